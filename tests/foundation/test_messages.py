"""Every message a person can be shown exists in Russian and in English.

The source is read with `ast`, so a new `DomainError(..., "some_key")` without a catalogue
entry fails here instead of showing "some_key" to a subscriber.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from i18n import translate
from i18n.catalog import MESSAGES
from i18n.http import HTTP_MESSAGES
from models.errors import DomainError, ErrorCode

Assigned = dict[str, list[ast.expr]]
ROOT = Path(__file__).resolve().parents[2]
SCANNED = ["app.py", "schema", "resolvers", "models", "auth", "web"]
# where the message key sits in each error's call: (position, keyword); None = the code
ERRORS = {
    "DomainError": (1, "message_key"),
    "LimitError": (1, "message_key"),
    "RequestError": (2, "key"),
}


def source_files() -> Iterator[Path]:
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            yield path
        else:
            yield from sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _strings(node: ast.expr | None, names: Assigned | None = None) -> list[str] | None:
    """The literal strings an argument can be, or None when it cannot be read statically.

    A plain variable counts when every assignment to that name in the module is readable
    (`key = "a" if ... else "b"` then `RequestError(400, code, key)`).
    """
    if node is None:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Constant) and node.value is None:
        return []
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body, names), _strings(node.orelse, names)
        return None if body is None or orelse is None else body + orelse
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "ErrorCode"
    ):
        return [ErrorCode[node.attr].value]  # DomainError(ErrorCode.X): the code is the key
    if isinstance(node, ast.Name) and names and node.id in names:
        values = [_strings(value) for value in names[node.id]]
        if all(v is not None for v in values):
            return [s for v in values for s in v or []]
    return None


def _assignments(tree: ast.Module) -> Assigned:
    names: Assigned = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            (target,) = node.targets
            if isinstance(target, ast.Name):
                names.setdefault(target.id, []).append(node.value)
    return names


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if len(call.args) > position else None


def message_keys(
    files: Iterable[Path] | None = None, root: Path = ROOT
) -> tuple[dict[str, set[str]], dict[str, set[str]], list[str]]:
    """(catalogue keys -> where used, `http.` keys -> where used, unreadable calls)."""
    keys: dict[str, set[str]] = {}
    http_keys: dict[str, set[str]] = {}
    unreadable: list[str] = []
    for path in source_files() if files is None else files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = _assignments(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, where = _callee(node), f"{path.relative_to(root)}:{node.lineno}"
            if name in ERRORS:
                position, keyword = ERRORS[name]
                found = _strings(_argument(node, position, keyword), names)
                if found is None:
                    unreadable.append(where)
                    continue
                if not found and name != "RequestError":  # no key: the code stands for it
                    found = _strings(_argument(node, 0, "code"), names)
                if not found:
                    unreadable.append(where)
                    continue
                target = http_keys if name == "RequestError" else keys
                for key in found:
                    target.setdefault(key, set()).add(where)
            elif isinstance(node.func, ast.Name) and name in ("translate", "message") and node.args:
                found = _strings(node.args[0], names)
                if found is None:
                    continue  # translating a key carried by an error: checked above
                target = http_keys if name == "message" else keys
                for key in found:
                    if key.startswith("http."):
                        http_keys.setdefault(key.removeprefix("http."), set()).add(where)
                    else:
                        target.setdefault(key, set()).add(where)
    return keys, http_keys, unreadable


def _missing(catalogue: dict[str, dict[str, str]], used: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{key} ({', '.join(sorted(used[key]))}): no {language}"
        for key in used
        for language in ("ru", "en")
        if not (catalogue.get(key) or {}).get(language, "").strip()
    )


def test_the_scan_sees_the_errors_it_is_meant_to_guard() -> None:
    keys, http_keys, _ = message_keys()
    # a scanner that silently finds nothing would pass everything
    for key in ("invalid_msisdn", "label_length", "grantee_has_access", "use_change_password"):
        assert key in keys, key
    assert {"malformed_json", "batching", "mutation_over_get"} <= set(http_keys)
    assert "FORBIDDEN" in keys
    assert "QUERY_TOO_DEEP" in keys


def test_every_error_message_key_is_readable_from_the_source() -> None:
    *_, unreadable = message_keys()
    assert unreadable == [], "give these errors a literal message key"


def test_every_message_key_in_the_source_has_russian_and_english() -> None:
    keys, http_keys, _ = message_keys()
    assert _missing(MESSAGES, keys) == []
    assert _missing(HTTP_MESSAGES, http_keys) == []


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_error_code_has_russian_and_english(code: ErrorCode) -> None:
    entry = MESSAGES.get(code.value) or {}
    assert entry.get("ru"), code
    assert entry.get("en"), code


def test_translation_never_shows_a_raw_key_or_placeholder() -> None:
    keys, _, _ = message_keys()
    figures: dict[str, object] = {
        "max": 5,
        "min": 1,
        "count": 2,
        "depth": 3,
        "cost": 9,
        "max_bytes": 10,
    }
    figures |= {"retry_after": 7, "request_id": "r1", "locked_until": "12:00"}
    figures |= {"detail": "x", "feedback": [], "name": "n", "seconds": 10, "asker": "a"}
    figures |= {"email": "e@example.org", "service": "s", "other": "o", "tariff": "t"}
    figures |= {"quota": 20, "to": "9031234568", "segments": 1, "amount": "1.00", "day": "1"}
    figures |= {"password": "Ab3dEf7h", "code": "123456", "msisdn": "9031234567", "link": "u"}
    figures |= {"reason": "general_decline", "percent": 5, "attempts": 3, "month": "2026-11"}
    figures |= {"start": "s", "end": "e", "moment": "m", "page": 1, "pages": 2, "value": "1,5"}
    for key in keys:
        for language in ("ru", "en"):
            text = translate(key, language, **figures)
            assert text != key, (key, language)
            assert "{" not in text, (key, language, text)


def test_the_texts_sent_out_are_read_from_the_catalogue() -> None:
    keys, _, _ = message_keys()
    # SMS, USSD answers and e-mail: each rendered with translate(), so each is translated
    sent_out = {
        "temporary_password_sms",
        "login_locked_sms",
        "access_consent_sms",
        "ussd_password_sent",
        "ussd_unknown_request",
        "ussd_too_many_requests",
        "ussd_no_login",
        "email_confirmation_subject",
        "email_confirmation_body",
    }
    assert sent_out <= set(keys)


# literals in auth/ and models/ that are data, not text shown to a person
NOT_TEXT = {
    ("auth/person.py", "^[A-Za-zА-Яа-яЁё0-9._-]{3,32}$"),  # the alias pattern
    ("auth/social/providers.py", "Яндекс ID"),  # a provider's own name (name_ru)
    ("models/search.py", "ё"),  # folding ё into е for search
    ("models/search.py", "е"),
}


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_russian_text_is_written_outside_the_catalogue() -> None:
    """A Russian literal in auth/ or models/ is a text that skipped the catalogue: it would
    reach an English speaker untranslated (SMS, USSD and e-mail texts live in i18n/)."""
    cyrillic = re.compile("[\u0400-\u04ff]")
    stray = []
    for path in source_files():
        where = path.relative_to(ROOT).as_posix()
        if not where.startswith(("auth/", "models/")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and cyrillic.search(node.value)
                and (where, node.value) not in NOT_TEXT
            ):
                stray.append(f"{where}:{node.lineno}: {node.value[:40]}")
    assert stray == []


def test_the_nul_character_message_exists_for_its_users() -> None:
    assert "NUL" in translate("nul_character", "en")
    assert "NUL" in translate("nul_character", "ru")


def test_a_missing_or_unreadable_key_would_be_caught(tmp_path: Path) -> None:
    module = tmp_path / "new_feature.py"
    module.write_text(
        "def check(x, key):\n"
        "    if x == 1:\n"
        '        raise DomainError(ErrorCode.NOT_FOUND, "surely_not_in_the_catalogue")\n'
        "    if x == 2:\n"
        "        raise DomainError(ErrorCode.INVALID_INPUT, key)\n"
        '    raise RequestError(400, "BAD_REQUEST", "no_such_http_key")\n',
        encoding="utf-8",
    )
    keys, http_keys, unreadable = message_keys([module], root=tmp_path)
    assert _missing(MESSAGES, keys) == [
        "surely_not_in_the_catalogue (new_feature.py:3): no en",
        "surely_not_in_the_catalogue (new_feature.py:3): no ru",
    ]
    assert len(_missing(HTTP_MESSAGES, http_keys)) == 2
    assert unreadable == ["new_feature.py:5"]
    # and this is what a person would have been shown
    assert (
        translate(DomainError(ErrorCode.NOT_FOUND, "surely_not_in_the_catalogue").message_key, "ru")
        == "surely_not_in_the_catalogue"
    )
