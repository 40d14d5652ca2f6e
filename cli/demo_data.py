"""The demo family of API.md section 9, as data. Prices are kopecks, data is megabytes."""

from __future__ import annotations

TARIFFS = [
    # code, name, kind, fee, minutes, sms, data_mb, unlimited, speed, channels, description
    ("zero-doubt", "Ноль сомнений", "MOBILE", 35_000, 300, 100, 10_240, False, None, None,
     "Простой тариф: минуты, SMS и 10 ГБ."),
    ("close-people-2", "Близкие люди 2", "MOBILE", 65_000, 600, 300, 30_720, False, None, None,
     "Семейный тариф: до 2 номеров вместе."),
    ("close-people-4", "Близкие люди 4", "MOBILE", 99_000, 1_200, 300, 0, True, None, None,
     "Семейный тариф с безлимитным интернетом."),
    ("kids", "Детский", "MOBILE", 20_000, 200, 100, 5_120, False, None, None,
     "Для детей: без платных подписок по умолчанию."),
    ("tablet", "Для планшета", "MOBILE", 30_000, None, None, 20_480, False, None, None,
     "Только интернет, 20 ГБ."),
    ("modem-unlimited", "Модем безлимит", "MOBILE", 79_000, None, None, 0, True, None, None,
     "Безлимитный интернет для USB-модема."),
    ("home-500", "Домашний интернет 500", "HOME_INTERNET", 75_000, None, None, None, True, 500,
     None, "Интернет до 500 Мбит/с."),
    ("home-tv-500", "Интернет и ТВ 500", "HOME_INTERNET", 99_000, None, None, None, True, 500,
     200, "Интернет до 500 Мбит/с и 200 каналов."),
    ("tv-basic", "ТВ Базовый", "TV", 29_900, None, None, None, False, None, 150,
     "150 телеканалов."),
]
ARCHIVED_TARIFFS = [("all-for-300", "Всё за 300", "MOBILE", 30_000)]

SERVICES = [
    # code, name, kind, price, period, subscription, description
    ("caller-id", "Определитель номера", "MOBILE", 0, "NONE", False, "Показывает, кто звонит."),
    ("who-called", "Кто звонил", "MOBILE", 0, "NONE", False, "SMS о пропущенных вызовах."),
    ("roaming-world", "Мой мир", "MOBILE", 0, "NONE", False, "Выгодный роуминг."),
    ("trust-payment", "Доверительный платёж", "MOBILE", 0, "ONCE", False,
     "Связь в долг на 3 дня."),
    ("ringback-tune", "Гудок: мелодия", "MOBILE", 6_000, "MONTHLY", True,
     "Мелодия вместо гудка."),
    ("horoscope", "Гороскоп каждый день", "MOBILE", 1_500, "DAILY", True,
     "Платная подписка: гороскоп в SMS."),
    ("antivirus", "Антивирус", "MOBILE", 19_900, "MONTHLY", True, "Защита телефона."),
    ("cinema", "ТВ Кинозал", "TV", 39_900, "MONTHLY", True, "Фильмы и сериалы."),
    ("static-ip", "Статический IP", "HOME_INTERNET", 15_000, "MONTHLY", True,
     "Постоянный адрес в интернете."),
]

PEOPLE = {
    "anna": ("Анна Иванова", 1984),
    "masha": ("Маша Иванова", 2011),
    "petya": ("Петя Иванов", 2008),
    "galina": ("Галина Петровна", 1956),
    "boris": ("Борис Петров", 1979),
}

# contract number, kind, holder, home login
CONTRACTS = [
    ("100000001", "MOBILE", "anna", None),
    ("100000002", "HOME_INTERNET", "anna", "0891234567"),
    ("100000003", "MOBILE", "galina", None),
    ("100000004", "MOBILE", "boris", None),
]

# msisdn, contract, user (own number), user level, device, label, tariff, top-up, services
LINES = [
    ("9031234567", "100000001", "anna", "FULL", "PHONE", "Мой", "close-people-4", 150_000,
     ["caller-id", "who-called", "horoscope"]),
    ("9031234568", "100000001", "masha", "LIMITED", "PHONE", "Маша", "kids", 50_000,
     ["caller-id", "ringback-tune"]),
    ("9031234569", "100000001", "petya", "FULL", "PHONE", "Петя", "kids", 40_000,
     ["caller-id", "antivirus"]),
    ("9031234570", "100000001", None, "FULL", "TABLET", "Планшет", "tablet", 60_000,
     ["horoscope"]),
    ("9031234571", "100000001", None, "FULL", "USB_MODEM", "Модем", "modem-unlimited", 100_000,
     []),
    ("0891234567", "100000002", None, "FULL", "ROUTER", "Дом", "home-tv-500", 200_000,
     ["static-ip", "cinema"]),
    ("9162223344", "100000003", "galina", "FULL", "PHONE", None, "zero-doubt", 70_000,
     ["who-called", "horoscope"]),
    ("9161112233", "100000004", "boris", "FULL", "PHONE", None, "close-people-2", 90_000,
     ["caller-id", "antivirus"]),
]

# share of each allowance already used this period, per line
USED_SHARE = {"9031234567": 0.4, "9031234568": 0.7, "9031234569": 0.2, "9031234570": 0.5}
