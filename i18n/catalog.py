"""The message catalogue: key -> {language: template}.

Keys are error codes, finer keys, or the names of texts sent out (SMS, USSD, e-mail).
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # generic codes
    "INVALID_INPUT": {"en": "The input is not valid.", "ru": "Неверные данные."},
    "NOT_FOUND": {"en": "Not found.", "ru": "Не найдено."},
    "FORBIDDEN": {
        "en": "You do not have the right to do this on this number.",
        "ru": "У вас нет прав на это действие с этим номером.",
    },
    "UNAUTHENTICATED": {"en": "Please log in.", "ru": "Войдите в личный кабинет."},
    "INTERNAL": {
        "en": "Something went wrong on our side. Request id: {request_id}.",
        "ru": "Что-то пошло не так на нашей стороне. Номер запроса: {request_id}.",
    },
    "RATE_LIMITED": {
        "en": "Too many attempts. Try again in {retry_after} seconds.",
        "ru": "Слишком много попыток. Повторите через {retry_after} с.",
    },
    # input details
    "invalid_msisdn": {
        "en": "Enter a mobile number, for example +7 903 123-45-67.",
        "ru": "Введите мобильный номер, например +7 903 123-45-67.",
    },
    "first_too_large": {
        "en": "Ask for at most {max} items at a time.",
        "ru": "Можно запросить не больше {max} элементов за раз.",
    },
    "negative_count": {
        "en": "The number of items cannot be negative.",
        "ru": "Количество элементов не может быть отрицательным.",
    },
    "first_and_last": {
        "en": "Use either first or last, not both.",
        "ru": "Укажите first или last, но не оба сразу.",
    },
    "invalid_cursor": {"en": "The cursor is not valid.", "ru": "Неверный курсор."},
    "invalid_id": {"en": "The id is not valid.", "ru": "Неверный идентификатор."},
    "invalid_range": {
        "en": "The lower bound is above the upper bound.",
        "ru": "Нижняя граница больше верхней.",
    },
    "negative_price": {
        "en": "A price cannot be negative.",
        "ru": "Цена не может быть отрицательной.",
    },
    "zero_amount": {"en": "The amount cannot be zero.", "ru": "Сумма не может быть нулевой."},
    "invalid_amount": {
        "en": "Enter an amount in roubles, for example 150.00.",
        "ru": "Введите сумму в рублях, например 150.00.",
    },
    "too_many_decimals": {
        "en": "An amount has at most two decimal places: roubles and kopecks, e.g. 150.50.",
        "ru": "В сумме не больше двух знаков после точки: рубли и копейки, например 150.50.",
    },
    "amount_too_large": {
        "en": "The amount is too large.",
        "ru": "Слишком большая сумма.",
    },
    "search_too_long": {
        "en": "The search text is too long: at most {max} characters.",
        "ru": "Слишком длинный текст поиска: не больше {max} символов.",
    },
    "search_too_many_words": {
        "en": "Search for at most {max} words at a time.",
        "ru": "Для поиска укажите не больше {max} слов.",
    },
    "idempotency_key_reused": {
        "en": "This operation key was already used for a different payment.",
        "ru": "Этот ключ операции уже использован для другого платежа.",
    },
    "top_up_out_of_range": {
        "en": "A top-up is from {min} to {max} roubles.",
        "ru": "Сумма пополнения: от {min} до {max} ₽.",
    },
    "invalid_idempotency_key": {
        "en": "The operation key is 1 to 64 Latin letters, digits, dots, dashes or underscores.",
        "ru": "Ключ операции: от 1 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний.",
    },
    "card_not_found": {
        "en": "There is no such card among yours.",
        "ru": "Среди ваших карт такой нет.",
    },
    "return_url_not_allowed": {
        "en": "This return address is not allowed for payments.",
        "ru": "Этот адрес возврата не разрешён для платежей.",
    },
    "payment_declined": {
        "en": "The payment was declined ({reason}). Nothing was charged.",
        "ru": "Платёж отклонён ({reason}). Деньги не списаны.",
    },
    "payments_unavailable": {
        "en": "The bank is not answering just now. The payment is kept: repeat the request "
        "with the same key, or check its status later.",
        "ru": "Банк сейчас не отвечает. Платёж сохранён: повторите запрос с тем же ключом "
        "или проверьте его статус позже.",
    },
    "email_not_sent": {
        "en": "We could not send the confirmation e-mail just now; nothing was changed. "
        "Please try again later.",
        "ru": "Сейчас не удалось отправить письмо с кодом; ничего не изменено. Попробуйте позже.",
    },
    "recent_login_required": {
        "en": "For your safety, log in again before adding another way to log in.",
        "ru": "В целях безопасности войдите заново, чтобы добавить новый способ входа.",
    },
    "nul_character": {
        "en": "The text contains a NUL character (code 0), which is not allowed.",
        "ru": "Текст содержит недопустимый символ NUL (код 0).",
    },
    "device_name_length": {
        "en": "A device name is 1 to 64 characters long.",
        "ru": "Название устройства должно содержать от 1 до 64 символов.",
    },
    "control_characters": {
        "en": "Only plain text, on one line: no control or formatting characters.",
        "ru": "Только обычный текст в одну строку, без управляющих символов.",
    },
    "label_length": {
        "en": "A number's label must be 1 to {max} characters long.",
        "ru": "Подпись номера должна содержать от 1 до {max} символов.",
    },
    # query limits
    "QUERY_TOO_DEEP": {
        "en": "The query is nested {depth} levels deep; at most {max} are allowed.",
        "ru": "Глубина запроса {depth}, допустимо не больше {max}.",
    },
    "TOO_MANY_ALIASES": {
        "en": "The query uses {count} aliases; at most {max} are allowed.",
        "ru": "В запросе {count} псевдонимов, допустимо не больше {max}.",
    },
    "TOO_MANY_PASSWORD_CHECKS": {
        "en": "A request may log in or set a password once; this one tries {count} times.",
        "ru": "Войти или задать пароль можно один раз за запрос, а в этом запросе {count}.",
    },
    # the HTTP edge's codes: the specific message comes from i18n/http.py; these are the
    # general words for each code (a client may show them when it knows only the code)
    "METHOD_NOT_ALLOWED": {
        "en": "This HTTP method is not allowed here.",
        "ru": "Этот HTTP-метод здесь не допускается.",
    },
    "NOT_ACCEPTABLE": {
        "en": "The server cannot answer in a media type the request accepts.",
        "ru": "Сервер не может ответить в формате, который принимает запрос.",
    },
    "UNSUPPORTED_MEDIA_TYPE": {
        "en": "Send the request as application/json in UTF-8.",
        "ru": "Отправляйте запрос как application/json в UTF-8.",
    },
    "PERSISTED_QUERY_NOT_FOUND": {
        "en": "PersistedQueryNotFound",
        "ru": "PersistedQueryNotFound",
    },
    "PERSISTED_QUERY_NOT_ALLOWED": {
        "en": "This server runs registered documents only.",
        "ru": "Сервер выполняет только зарегистрированные запросы.",
    },
    "TIMEOUT": {
        "en": "The request took longer than {seconds} s and was stopped; ask for less at once.",
        "ru": "Запрос выполнялся дольше {seconds} с и был остановлен; запросите меньше за раз.",
    },
    "RESPONSE_TOO_LARGE": {
        "en": "The answer would be larger than {max} bytes; ask for smaller pages.",
        "ru": "Ответ получился бы больше {max} байт; запрашивайте страницы поменьше.",
    },
    "QUERY_TOO_COMPLEX": {
        "en": "The query costs {cost}; at most {max} is allowed.",
        "ru": "Стоимость запроса {cost}, допустимо не больше {max}.",
    },
    "QUERY_TOO_LARGE": {
        "en": "The query is too large; at most {max} tokens or {max_bytes} bytes are allowed.",
        "ru": "Запрос слишком большой: допустимо не больше {max} токенов или {max_bytes} байт.",
    },
    "GRAPHQL_PARSE_FAILED": {
        "en": "The query is not valid GraphQL: {detail}",
        "ru": "Запрос не является корректным GraphQL: {detail}",
    },
    "GRAPHQL_VALIDATION_FAILED": {
        "en": "The query does not fit the schema: {detail}",
        "ru": "Запрос не соответствует схеме: {detail}",
    },
    "schema_mismatch_hidden": {
        "en": "The query does not fit the schema (see the position).",
        "ru": "Запрос не соответствует схеме (см. позицию).",
    },
    "invalid_value_hidden": {
        "en": "A value is not valid for its argument or variable (see the position).",
        "ru": "Значение не подходит для аргумента или переменной (см. позицию).",
    },
    "invalid_value": {
        "en": "A value is not valid: {detail}",
        "ru": "Недопустимое значение: {detail}",
    },
    "BAD_REQUEST": {"en": "Bad request: {detail}", "ru": "Неверный запрос: {detail}"},
    # identity
    "INVALID_CREDENTIALS": {
        "en": "Wrong login or password.",
        "ru": "Неверный логин или пароль.",
    },
    "temporary_used": {
        "en": "This temporary password has already been used. Ask for a new one.",
        "ru": "Этот временный пароль уже использован. Запросите новый.",
    },
    "LOCKED": {
        "en": "Too many wrong passwords. Password login is locked until {locked_until}.",
        "ru": "Слишком много неверных паролей. Вход по паролю заблокирован до {locked_until}.",
    },
    "PASSWORD_CHANGE_REQUIRED": {
        "en": "Set a permanent password first.",
        "ru": "Сначала задайте постоянный пароль.",
    },
    "PASSWORD_MISMATCH": {
        "en": "The passwords do not match.",
        "ru": "Пароли не совпадают.",
    },
    "password_length": {
        "en": "The password must be {min} to {max} characters long.",
        "ru": "Пароль должен содержать от {min} до {max} символов.",
    },
    "password_weak": {
        "en": "This password is easy to guess. {feedback}",
        "ru": "Этот пароль легко подобрать. {feedback}",
    },
    "WEAK_PASSWORD": {
        "en": "This password is easy to guess.",
        "ru": "Этот пароль легко подобрать.",
    },
    "SESSION_REVOKED": {
        "en": "This session has ended. Please log in again.",
        "ru": "Сеанс завершён. Войдите снова.",
    },
    "session_expired": {
        "en": "The session has expired. Please log in again.",
        "ru": "Срок сеанса истёк. Войдите снова.",
    },
    "NOT_AVAILABLE": {
        "en": "Login through the mobile network is not available here.",
        "ru": "Вход через мобильную сеть здесь недоступен.",
    },
    "invalid_login": {
        "en": "Enter a phone number, a home internet login or your alias.",
        "ru": "Введите номер телефона, логин домашнего интернета или псевдоним.",
    },
    "alias_format": {
        "en": "An alias is 3 to 32 letters, digits, dots, dashes or underscores, not a number.",
        "ru": "Псевдоним: от 3 до 32 букв, цифр, точек, дефисов или подчёркиваний, не номер.",
    },
    "alias_taken": {"en": "This alias is taken.", "ru": "Этот псевдоним уже занят."},
    "invalid_email": {"en": "Enter a valid e-mail address.", "ru": "Введите корректный e-mail."},
    "invalid_code": {"en": "The code is wrong or expired.", "ru": "Код неверен или устарел."},
    "name_length": {
        "en": "The name must be 1 to 200 characters long.",
        "ru": "Имя должно содержать от 1 до 200 символов.",
    },
    # access to numbers
    "grantee_has_access": {
        "en": "This person already has access: the number is their own or on their contract.",
        "ru": "У этого человека уже есть доступ: это его собственный номер или номер "
        "на его договоре.",
    },
    "line_has_no_user": {
        "en": "This number has no separate user whose access you could set: it is yours "
        "or belongs to a device such as a tablet or a modem.",
        "ru": "У этого номера нет отдельного пользователя, которому можно задать права: "
        "это ваш номер или номер устройства, например планшета или модема.",
    },
    "already_has_access": {
        "en": "You already have access to this number: it is yours or on your contract.",
        "ru": "У вас уже есть доступ к этому номеру: это ваш номер или номер на вашем договоре.",
    },
    "use_change_password": {
        "en": "You already have a permanent password. To change it, use password change: "
        "you will need your current password.",
        "ru": "Постоянный пароль уже задан. Чтобы сменить его, воспользуйтесь сменой пароля: "
        "понадобится текущий пароль.",
    },
    # social login
    "IDENTITY_IN_USE": {
        "en": "This account is already bound to another person.",
        "ru": "Этот аккаунт уже привязан к другому человеку.",
    },
    "NOT_BOUND": {
        "en": "This account is not bound to any login. Log in another way and bind it first.",
        "ru": "Этот аккаунт не привязан ни к одному входу. Войдите иначе и сначала привяжите его.",
    },
    "unknown_provider": {
        "en": "There is no such login provider.",
        "ru": "Такого способа входа нет.",
    },
    "redirect_uri_not_registered": {
        "en": "This redirect URI is not registered.",
        "ru": "Этот адрес возврата не зарегистрирован.",
    },
    "app_state_length": {
        "en": "The state must be 1 to 200 characters long.",
        "ru": "Параметр state должен содержать от 1 до 200 символов.",
    },
    "provider_unavailable": {
        "en": "The login provider is not available right now. Try again later.",
        "ru": "Сервис входа сейчас недоступен. Попробуйте позже.",
    },
    "invalid_social_code": {
        "en": "The login code is wrong, used or expired. Start again.",
        "ru": "Код входа неверен, уже использован или устарел. Начните заново.",
    },
    "needs_full_session": {
        "en": "A limited session cannot change your account. Log in with your password.",
        "ru": "Сеанс с ограниченным доступом не может менять учётную запись. Войдите с паролем.",
    },
    "social_callback_title": {"en": "Login", "ru": "Вход"},
    "social_callback_unknown": {
        "en": "This login link is not valid. Go back to the app and start again.",
        "ru": "Эта ссылка для входа недействительна. Вернитесь в приложение и начните заново.",
    },
    "social_dev_code": {
        "en": "The provider sent you back with a one-time code. Exchange it within two "
        "minutes (with the binder's token for a binding):",
        "ru": "Провайдер вернул одноразовый код. Обменяйте его в течение двух минут "
        "(для привязки — с токеном того, кто её начал):",
    },
    "social_dev_error": {
        "en": "The flow ended with the error",
        "ru": "Вход завершился ошибкой",
    },
    # managing a line: tariffs, services, blocks, free SMS, a user's login
    "INSUFFICIENT_FUNDS": {
        "en": "The balance is too low for this.",
        "ru": "Недостаточно средств на балансе.",
    },
    "INCOMPATIBLE": {"en": "This cannot go on this line.", "ru": "Это нельзя подключить к номеру."},
    "PRICE_CHANGED": {
        "en": "The price has changed since the preview. Look at it again.",
        "ru": "Цена изменилась после расчёта. Посмотрите расчёт ещё раз.",
    },
    "LINE_BLOCKED": {"en": "The number is blocked.", "ru": "Номер заблокирован."},
    "QUOTA_EXCEEDED": {"en": "The limit is reached.", "ru": "Лимит исчерпан."},
    "NOT_ELIGIBLE": {
        "en": "This is not available for the number now.",
        "ru": "Сейчас это недоступно для номера.",
    },
    "PAYMENT_DECLINED": {
        "en": "The bank declined the payment. Nothing was charged.",
        "ru": "Банк отклонил платёж. Деньги не списаны.",
    },
    "IDEMPOTENCY_KEY_REUSED": {
        "en": "This operation key was already used for a different request.",
        "ru": "Этот ключ операции уже использован для другого запроса.",
    },
    "LIMIT_REACHED": {
        "en": "A limit set for this number is reached.",
        "ru": "Достигнут лимит, установленный для номера.",
    },
    "LOGIN_DISABLED": {
        "en": "The contract holder has switched this login off.",
        "ru": "Владелец договора отключил этот вход.",
    },
    "insufficient_funds": {
        "en": "The balance is too low for this. Top it up first.",
        "ru": "Недостаточно средств на балансе. Сначала пополните его.",
    },
    "price_changed": {
        "en": "The price has changed since the preview. Look at it again.",
        "ru": "Цена изменилась после расчёта. Посмотрите расчёт ещё раз.",
    },
    "invalid_preview_token": {
        "en": "Take the token from this line's preview of this tariff.",
        "ru": "Используйте токен из расчёта этого тарифа для этого номера.",
    },
    "line_blocked": {
        "en": "The number is blocked: unblock it first.",
        "ru": "Номер заблокирован: сначала разблокируйте его.",
    },
    "login_disabled": {
        "en": "The contract holder has switched this login off.",
        "ru": "Владелец договора отключил этот вход.",
    },
    "tariff_archived": {
        "en": "This tariff is no longer offered.",
        "ru": "Этот тариф больше не подключается.",
    },
    "tariff_already": {
        "en": "The number is on this tariff already.",
        "ru": "Номер уже на этом тарифе.",
    },
    "tariff_wrong_contract": {
        "en": "Mobile tariffs go on mobile numbers, home internet and TV tariffs on home internet.",
        "ru": "Мобильные тарифы — для мобильных номеров, тарифы домашнего интернета и ТВ — "
        "для домашнего интернета.",
    },
    "tariff_no_calls": {
        "en": "A phone needs a tariff with calls; this one is for tablets and modems.",
        "ru": "Телефону нужен тариф со звонками; этот — для планшетов и модемов.",
    },
    "service_archived": {
        "en": "This service is no longer offered.",
        "ru": "Эта услуга больше не подключается.",
    },
    "service_wrong_contract": {
        "en": "This service is for another kind of contract.",
        "ru": "Эта услуга для договора другого типа.",
    },
    "service_needs_tv": {
        "en": "This service needs a tariff with TV.",
        "ru": "Для этой услуги нужен тариф с телевидением.",
    },
    "service_forbidden_by_tariff": {
        "en": "The number's tariff does not allow this service.",
        "ru": "Тариф номера не позволяет подключить эту услугу.",
    },
    "service_conflicts": {
        "en": "{service} cannot be connected together with {other}: disconnect that first.",
        "ru": "Услугу «{service}» нельзя подключить вместе с «{other}»: сначала отключите её.",
    },
    "block_lost_until": {
        "en": "A lost phone's block has no end date: unblock it when it is found.",
        "ru": "У блокировки потерянного телефона нет даты окончания: разблокируйте его, "
        "когда найдётся.",
    },
    "block_until": {
        "en": "The end of a block must be in the future, within a year.",
        "ru": "Окончание блокировки должно быть в будущем, не дальше года.",
    },
    "sms_empty": {"en": "Write the text of the SMS.", "ru": "Напишите текст SMS."},
    "sms_control": {
        "en": "The text may not contain control characters.",
        "ru": "Текст не может содержать управляющие символы.",
    },
    "sms_too_long": {
        "en": "The text is longer than {max} SMS parts.",
        "ru": "Текст длиннее {max} частей SMS.",
    },
    "sms_off_net": {
        "en": "Free SMS go only to mobile numbers of this operator.",
        "ru": "Бесплатные SMS отправляются только на мобильные номера этого оператора.",
    },
    "sms_quota": {
        "en": "{quota} free SMS a day have been sent from this number: try tomorrow.",
        "ru": "С этого номера уже отправлено {quota} бесплатных SMS за сутки: попробуйте завтра.",
    },
    # statement lines of the operator's own charges (stored in the operator's language)
    "ledger_tariff_change": {"en": "Tariff change: {tariff}", "ru": "Смена тарифа: {tariff}"},
    "ledger_service": {"en": "Service connected: {service}", "ru": "Подключение услуги: {service}"},
    "ledger_monthly_fee": {"en": "Monthly fee: {tariff}", "ru": "Абонентская плата: {tariff}"},
    "ledger_subscription": {"en": "Subscription: {service}", "ru": "Подписка: {service}"},
    "invalid_counterpart": {
        "en": "Give the other number in any usual form, or a short code.",
        "ru": "Укажите номер собеседника в любом привычном виде или короткий номер.",
    },
    "invalid_month": {
        "en": 'Give the month as "2026-11".',
        "ru": "Укажите месяц в виде «2026-11».",
    },
    "ledger_usage": {
        "en": "Calls, messages and internet beyond the packages",
        "ru": "Звонки, сообщения и интернет сверх пакетов",
    },
    "ledger_block_day": {"en": "Voluntary block: {day}", "ru": "Добровольная блокировка: {day}"},
    # the request history ("История заявок"): what each request was
    "request_tariff_change": {
        "en": "Tariff changed to {tariff}",
        "ru": "Смена тарифа на «{tariff}»",
    },
    "request_service_connect": {
        "en": "{service} connected",
        "ru": "Подключение услуги «{service}»",
    },
    "request_service_disconnect": {
        "en": "{service} disconnected",
        "ru": "Отключение услуги «{service}»",
    },
    "request_block_lost": {"en": "Blocked: phone lost", "ru": "Блокировка: потеря телефона"},
    "request_block_voluntary": {"en": "Blocked voluntarily", "ru": "Добровольная блокировка"},
    "request_unblock": {"en": "Unblocked", "ru": "Разблокировка"},
    "request_sms": {
        "en": "Free SMS to {to} ({segments} part(s))",
        "ru": "Бесплатное SMS на {to} (частей: {segments})",
    },
    "request_autopay": {"en": "Autopay: {amount} ₽", "ru": "Автоплатёж: {amount} ₽"},
    "request_trust_payment": {
        "en": "Trust payment: {amount} ₽",
        "ru": "Доверительный платёж: {amount} ₽",
    },
    # background jobs a person follows, and the files they produce
    "job_failed": {
        "en": "The job failed. Please ask for it again later.",
        "ru": "Задание не выполнено. Пожалуйста, запросите его позже ещё раз.",
    },
    "export_line_gone": {
        "en": "The number is no longer served, so there is nothing to export.",
        "ru": "Номер больше не обслуживается, выгружать нечего.",
    },
    "export_period": {
        "en": "The period must end after it starts and span at most a year.",
        "ru": "Период должен заканчиваться позже начала и быть не длиннее года.",
    },
    "export_transactions_file": {"en": "statement {msisdn}", "ru": "выписка {msisdn}"},
    "export_usage_file": {"en": "usage {msisdn}", "ru": "детализация {msisdn}"},
    "report_subject": {
        "en": "Usage of {msisdn} for {month}",
        "ru": "Детализация номера {msisdn} за {month}",
    },
    "report_body": {
        "en": "Attached: the calls, messages and internet of {msisdn} for {month}, with what "
        "they cost. You asked for this report in the app; switch it off there.",
        "ru": "Во вложении — звонки, сообщения и интернет номера {msisdn} за {month} и их "
        "стоимость. Отчёт включён в приложении, там же его можно отключить.",
    },
    "export_date": {"en": "Date (Moscow time)", "ru": "Дата (время московское)"},
    "export_kind": {"en": "Kind", "ru": "Тип"},
    "export_description": {"en": "Description", "ru": "Описание"},
    "export_amount": {"en": "Amount, RUB", "ru": "Сумма, ₽"},
    "export_balance": {"en": "Balance after, RUB", "ru": "Баланс после, ₽"},
    "entry_top_up": {"en": "Top-up", "ru": "Пополнение"},
    "entry_charge": {"en": "Charge", "ru": "Списание"},
    "entry_refund": {"en": "Refund", "ru": "Возврат"},
    "entry_adjustment": {"en": "Adjustment", "ru": "Корректировка"},
    "ledger_trust_credit": {"en": "Trust payment", "ru": "Доверительный платёж"},
    "ledger_trust_fee": {
        "en": "Trust payment fee",
        "ru": "Комиссия за доверительный платёж",
    },
    "ledger_trust_repay": {
        "en": "Trust payment paid back",
        "ru": "Погашение доверительного платежа",
    },
    "ledger_bonus_top_up": {
        "en": "Bonuses: {percent}% of the top-up",
        "ru": "Бонусы: {percent}% от пополнения",
    },
    "trust_not_eligible": {
        "en": "A trust payment is not available for this number now.",
        "ru": "Доверительный платёж для этого номера сейчас недоступен.",
    },
    "trust_already_taken": {
        "en": "A trust payment is already taken and not yet repaid.",
        "ru": "Доверительный платёж уже взят и ещё не погашен.",
    },
    "trust_line_closed": {
        "en": "The number is not active.",
        "ru": "Номер не активен.",
    },
    "trust_line_blocked": {
        "en": "The number is blocked.",
        "ru": "Номер заблокирован.",
    },
    "trust_too_new": {
        "en": "The number must be with us for at least 60 days.",
        "ru": "Номер должен обслуживаться у нас не меньше 60 дней.",
    },
    "trust_few_top_ups": {
        "en": "The number needs top-ups of at least 300 roubles in the last 90 days.",
        "ru": "Нужны пополнения номера не меньше чем на 300 ₽ за последние 90 дней.",
    },
    "autopay_threshold": {
        "en": "The threshold is from 0 to 15000 roubles.",
        "ru": "Порог: от 0 до 15000 ₽.",
    },
    "autopay_day": {
        "en": "The day of the month is from 1 to 28.",
        "ru": "День месяца: от 1 до 28.",
    },
    "autopay_limit": {
        "en": "The monthly cap cannot be below one payment.",
        "ru": "Месячный лимит не может быть меньше одного платежа.",
    },
    "autopay_not_found": {
        "en": "There is no such autopay.",
        "ru": "Такого автоплатежа нет.",
    },
    "autopay_failed_sms": {
        "en": "Autopay for {msisdn} stopped: the bank declined it {attempts} times. "
        "Set it up again in the app.",
        "ru": "Автоплатёж для номера {msisdn} остановлен: банк отклонил его {attempts} раза. "
        "Настройте его заново в приложении.",
    },
    "payment_landing_title": {"en": "Payment", "ru": "Оплата"},
    "payment_landing_body": {
        "en": "You are back from the bank's page. The app shows the payment's status.",
        "ru": "Вы вернулись со страницы банка. Статус платежа показан в приложении.",
    },
    "payment_top_up": {"en": "Top-up of {msisdn}", "ru": "Пополнение номера {msisdn}"},
    "payment_binding": {
        "en": "Card binding check, returned at once",
        "ru": "Проверка карты при привязке, сумма вернётся",
    },
    # usage-detail files (jobs/usage_files): PDF, XLSX and CSV
    "usage_export_title": {"en": "Usage details", "ru": "Детализация расходов"},
    "usage_export_number": {"en": "Number: {msisdn}", "ru": "Номер: {msisdn}"},
    "usage_export_period": {"en": "Period: {start} – {end}", "ru": "Период: {start} – {end}"},
    "usage_export_generated": {
        "en": "Generated {moment} (Moscow time)",
        "ru": "Сформирована {moment} (время московское)",
    },
    "usage_export_page": {"en": "Page {page} of {pages}", "ru": "Страница {page} из {pages}"},
    "usage_export_truncated": {
        "en": "A PDF holds at most {count} rows. The full list is in the XLSX and CSV files.",
        "ru": "Число строк в PDF ограничено ({count}). Полная детализация — в файлах XLSX и CSV.",
    },
    "usage_export_empty": {
        "en": "No usage in this period.",
        "ru": "За этот период расходов нет.",
    },
    "usage_export_sheet": {"en": "Usage", "ru": "Детализация"},
    "usage_export_total": {"en": "Total", "ru": "Итого"},
    "usage_export_col_time": {"en": "Date and time (Moscow)", "ru": "Дата и время (МСК)"},
    "usage_export_col_kind": {"en": "Type", "ru": "Тип"},
    "usage_export_col_direction": {"en": "Direction", "ru": "Направление"},
    "usage_export_col_number": {"en": "Number", "ru": "Номер"},
    "usage_export_col_amount": {"en": "Duration, volume", "ru": "Длительность, объём"},
    "usage_export_col_seconds": {"en": "Duration, s", "ru": "Длительность, с"},
    "usage_export_col_kb": {"en": "Volume, KB", "ru": "Объём, КБ"},
    "usage_export_col_units": {"en": "Count", "ru": "Количество"},
    "usage_export_col_roaming": {"en": "Roaming", "ru": "Роуминг"},
    "usage_export_col_cost": {"en": "Cost", "ru": "Стоимость"},
    "usage_export_col_cost_rub": {"en": "Cost, RUB", "ru": "Стоимость, ₽"},
    "usage_export_kind_call": {"en": "Call", "ru": "Звонок"},
    "usage_export_kind_sms": {"en": "SMS", "ru": "SMS"},
    "usage_export_kind_mms": {"en": "MMS", "ru": "MMS"},
    "usage_export_kind_data": {"en": "Data", "ru": "Интернет"},
    "usage_export_direction_in": {"en": "Incoming", "ru": "Входящий"},
    "usage_export_direction_out": {"en": "Outgoing", "ru": "Исходящий"},
    "usage_export_roaming": {"en": "Roaming", "ru": "Роуминг"},
    "usage_export_kb": {"en": "{value} KB", "ru": "{value} КБ"},
    "usage_export_mb": {"en": "{value} MB", "ru": "{value} МБ"},
    # texts sent out: SMS, USSD answers, e-mail (language: see OPERATOR_LANGUAGE in i18n)
    "login_locked_sms": {
        "en": "Someone asked for a temporary password, but login is locked after wrong "
        "passwords until {locked_until}. Ask for one after that.",
        "ru": "Запрошен временный пароль, но вход заблокирован из-за неверных паролей до "
        "{locked_until}. Запросите пароль после этого времени.",
    },
    "temporary_password_sms": {
        "en": "Temporary password to log in to your account: {password}. Valid for 15 minutes. "
        "Do not tell it to anyone.",
        "ru": "Временный пароль для входа в личный кабинет: {password}. Действует 15 минут. "
        "Никому его не сообщайте.",
    },
    # the number's user reads it without any context: who asks, for which number, and
    # that telling the code means consent
    # a fixed text: nothing the asker typed goes into it (issue 11), at most their number
    # masked; the asker's access is LIMITED, whatever they asked for
    "access_consent_sms": {
        "en": "Code {code} gives the account of {asker} access to the balance and services of "
        "number {msisdn}. Tell it to no one unless you yourself asked for this.",
        "ru": "Код {code} даёт личному кабинету {asker} доступ к балансу и услугам номера "
        "{msisdn}. Никому его не сообщайте, если вы сами об этом не просили.",
    },
    "ussd_password_sent": {
        "en": "The password to log in to your account has been sent by SMS.",
        "ru": "Пароль для входа в личный кабинет отправлен в SMS.",
    },
    "ussd_unknown_request": {"en": "Unknown request.", "ru": "Неизвестный запрос."},
    "ussd_too_many_requests": {
        "en": "Too many requests. Try again later.",
        "ru": "Слишком много запросов. Попробуйте позже.",
    },
    "ussd_no_login": {
        "en": "This number has no login to a personal account.",
        "ru": "Для этого номера нет входа в личный кабинет.",
    },
    "email_confirmation_subject": {
        "en": "Confirm your e-mail",
        "ru": "Подтвердите e-mail",
    },
    "email_link_title": {"en": "Recovery e-mail", "ru": "Резервный адрес e-mail"},
    "email_link_question": {
        "en": "Confirm {email} as the recovery address of your account?",
        "ru": "Подтвердить {email} как резервный адрес вашего личного кабинета?",
    },
    "email_link_button": {"en": "Confirm", "ru": "Подтвердить"},
    "email_link_done": {
        "en": "{email} is confirmed. You can close this page.",
        "ru": "Адрес {email} подтверждён. Страницу можно закрыть.",
    },
    "email_link_invalid": {
        "en": "This link is wrong, used or expired. Ask for a new code in the app.",
        "ru": "Ссылка неверна, уже использована или устарела. Запросите новый код в приложении.",
    },
    "email_confirmation_body": {
        "en": "Confirmation code: {code}\n{link}",
        "ru": "Код подтверждения: {code}\n{link}",
    },
}
