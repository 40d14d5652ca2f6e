"""Messages for requests refused before GraphQL runs (the HTTP view and middleware).

Keys are prefixed `http.` in the catalogue; the error codes they go with never change.
"""

from __future__ import annotations

HTTP_MESSAGES: dict[str, dict[str, str]] = {
    "malformed_json": {
        "en": "The request body is not valid JSON.",
        "ru": "Тело запроса не является корректным JSON.",
    },
    "json_too_deep": {
        "en": "The request JSON is nested too deeply.",
        "ru": "В JSON запроса слишком глубокая вложенность.",
    },
    "not_an_object": {
        "en": "The request must be a JSON object with a `query`.",
        "ru": "Запрос должен быть JSON-объектом с полем `query`.",
    },
    "batching": {
        "en": "Batched requests are not supported; send one operation per request.",
        "ru": "Пакетные запросы не поддерживаются: отправляйте одну операцию за запрос.",
    },
    "missing_query": {
        "en": "The request has no GraphQL `query`.",
        "ru": "В запросе нет GraphQL-запроса `query`.",
    },
    "not_registered": {
        "en": "This server runs registered documents only; this one is not registered.",
        "ru": "Сервер выполняет только зарегистрированные запросы, а этот не зарегистрирован.",
    },
    "persisted_hash_mismatch": {
        "en": "`extensions.persistedQuery.sha256Hash` is not the SHA-256 of the `query` sent.",
        "ru": "`extensions.persistedQuery.sha256Hash` не совпадает с SHA-256 переданного `query`.",
    },
    "persisted_query_shape": {
        "en": '`extensions.persistedQuery` must be {"version": 1, "sha256Hash": "<64 hex>"}.',
        "ru": '`extensions.persistedQuery` должно быть {"version": 1, "sha256Hash": "<64 hex>"}.',
    },
    "not_a_string": {
        "en": "`{name}` must be a string.",
        "ru": "`{name}` должен быть строкой.",
    },
    "not_a_map": {
        "en": "`{name}` must be a JSON object.",
        "ru": "`{name}` должен быть JSON-объектом.",
    },
    "unknown_operation": {
        "en": 'The document has no operation named "{name}".',
        "ru": "В документе нет операции «{name}».",
    },
    "operation_required": {
        "en": "The document has several operations: name one in `operationName`.",
        "ru": "В документе несколько операций: укажите нужную в `operationName`.",
    },
    "subscription_over_http": {
        "en": "Subscriptions are served over WebSocket, not plain HTTP.",
        "ru": "Подписки доступны по WebSocket, а не по обычному HTTP.",
    },
    "mutation_over_get": {
        "en": "Mutations must be sent with POST.",
        "ru": "Мутации отправляются только методом POST.",
    },
    "method": {
        "en": "Use GET or POST.",
        "ru": "Используйте метод GET или POST.",
    },
    "media_type": {
        "en": "Send the request body as application/json.",
        "ru": "Отправьте тело запроса с типом application/json.",
    },
    "not_acceptable": {
        "en": "The response is application/graphql-response+json or application/json; "
        "the Accept header allows neither.",
        "ru": "Ответ бывает только application/graphql-response+json или application/json, "
        "а заголовок Accept не допускает ни одного из них.",
    },
    "too_large": {
        "en": "The request is larger than {max_bytes} bytes.",
        "ru": "Запрос больше {max_bytes} байт.",
    },
    "bad_text": {
        "en": "The request contains a NUL character or broken Unicode.",
        "ru": "В запросе есть символ NUL или повреждённый Юникод.",
    },
}
