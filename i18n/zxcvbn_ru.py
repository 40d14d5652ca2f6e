"""Russian for zxcvbn's feedback, which the library only speaks in English."""

from __future__ import annotations

ZXCVBN_RU: dict[str, str] = {
    "Capitalization doesn't help very much.": "Заглавные буквы почти не помогают.",
    "Dates are often easy to guess.": "Даты легко подобрать.",
    "No need for symbols, digits, or uppercase letters.": (
        "Символы, цифры и заглавные буквы не обязательны."
    ),
    "Recent years are easy to guess.": "Недавние годы легко подобрать.",
    "Reversed words aren't much harder to guess.": "Слова задом наперёд подобрать не сложнее.",
    "Use a few words, avoid common phrases.": "Возьмите несколько слов, избегайте расхожих фраз.",
    "A word by itself is easy to guess.": "Одно слово легко подобрать.",
    "Add another word or two. Uncommon words are better.": (
        "Добавьте ещё одно-два слова, лучше редких."
    ),
    "Avoid dates and years that are associated with you.": "Не используйте свои даты и годы.",
    "Avoid recent years.": "Не используйте недавние годы.",
    "Avoid repeated words and characters.": "Избегайте повторов слов и символов.",
    "Avoid sequences.": "Избегайте последовательностей.",
    "Avoid years that are associated with you.": "Не используйте годы, связанные с вами.",
    "Common names and surnames are easy to guess.": (
        "Распространённые имена и фамилии легко подобрать."
    ),
    "Names and surnames by themselves are easy to guess.": "Имена и фамилии легко подобрать.",
    'Repeats like "aaa" are easy to guess.': "Повторы вроде «aaa» легко подобрать.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': (
        "Повторы вроде «abcabcabc» подобрать лишь чуть сложнее, чем «abc»."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': (
        "Последовательности вроде «abc» или «6543» легко подобрать."
    ),
    "Short keyboard patterns are easy to guess.": "Короткие сочетания клавиш легко подобрать.",
    "Straight rows of keys are easy to guess.": "Ряды клавиш подряд легко подобрать.",
    "This is a top-10 common password.": "Это один из 10 самых частых паролей.",
    "This is a top-100 common password.": "Это один из 100 самых частых паролей.",
    "This is a very common password.": "Это очень распространённый пароль.",
    "This is similar to a commonly used password.": "Это похоже на распространённый пароль.",
    "Use a longer keyboard pattern with more turns.": (
        "Используйте более длинный узор с поворотами."
    ),
    "All-uppercase is almost as easy to guess as all-lowercase.": (
        "Только заглавные подобрать почти так же легко, как только строчные."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": (
        "Предсказуемые замены вроде «@» вместо «a» почти не помогают."
    ),
}
