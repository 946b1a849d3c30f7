"""Write qms/accounts/data/common-passwords.txt: passwords people choose first, which a
guesser tries first.

No leaked list is downloaded: the file is built offline from the patterns that fill the
published ones (keyboard walks, digit runs, dates, "password"-like words and their
letter-digit swaps), and from what Vietnamese users choose (matkhau, anhyeuem, names of
people and places, the agency's usual words). Entries are lowercase and have no trailing
digits or signs: the policy strips those before looking a password up, so "Matkhau@2024"
matches "matkhau". Run ``python scripts/common_passwords.py`` and commit the file.
"""

from __future__ import annotations

import itertools
import unicodedata
from datetime import date, timedelta
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "qms" / "accounts" / "data" / "common-passwords.txt"

ENGLISH = [
    "password", "passwd", "pass", "passw0rd", "p@ssword", "p@ssw0rd", "pa55word", "pa55w0rd", "secret",
    "secure", "letmein", "welcome", "welcome1", "admin", "administrator", "root", "toor", "superuser",
    "sysadmin", "guest", "user", "test", "tester", "testing", "demo", "default", "changeme", "change",
    "login", "logon", "access", "master", "iloveyou", "loveyou", "lovely", "love", "monkey", "dragon",
    "football", "baseball", "soccer", "basketball", "hockey", "tennis", "golf", "sunshine", "princess",
    "shadow", "superman", "batman", "spiderman", "trustno1", "whatever", "freedom", "hello", "hello123",
    "hellokitty", "starwars", "pokemon", "computer", "internet", "google", "facebook", "youtube", "yahoo",
    "gmail", "apple", "samsung", "microsoft", "windows", "linux", "ubuntu", "oracle", "server", "qwerty",
    "qwertz", "azerty", "asdf", "asdfgh", "asdfghjkl", "zxcv", "zxcvbn", "zxcvbnm", "qazwsx", "qweasd",
    "qweasdzxc", "1q2w3e", "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "1qazxsw2", "zaq12wsx", "zaq1zaq1",
    "q1w2e3r4", "a1b2c3", "a1b2c3d4", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "abcdefghi",
    "abcdefghij", "abcabc", "aaaaaa", "aaaaaaaaaa", "qqqqqq", "xxxxxx", "michael", "jennifer", "jordan",
    "charlie", "thomas", "daniel", "andrew", "joshua", "matthew", "robert", "ashley", "jessica", "amanda",
    "michelle", "nicole", "sophie", "summer", "winter", "spring", "autumn", "flower", "purple", "orange",
    "yellow", "silver", "golden", "diamond", "money", "cash", "bitcoin", "crypto", "killer", "hunter",
    "ranger", "tiger", "lion", "eagle", "falcon", "wolf", "mustang", "ferrari", "porsche", "mercedes",
    "corvette", "harley", "yamaha", "honda", "toyota", "nissan", "hyundai", "kia", "cookie", "cheese",
    "pepper", "chocolate", "banana", "coffee", "pizza", "butter", "sugar", "honey", "baby", "angel",
    "angels", "jesus", "christ", "god", "heaven", "blessed", "faith", "hope", "peace", "freedom", "liberty",
    "justice", "matrix", "ninja", "pirate", "wizard", "magic", "phoenix", "dolphin", "butterfly", "rainbow",
    "unicorn", "snoopy", "garfield", "mickey", "qwerty123", "qwertyuiop", "qwertyui", "asdfghjk",
    "zxcvbnm1", "poiuytrewq", "lkjhgfdsa", "mnbvcxz", "iloveu", "iloveyou2", "loveme", "lovers", "forever",
    "together", "family", "friends", "friend", "happy", "smile", "company", "business", "office", "work",
    "worker", "manager", "director", "boss", "staff", "employee"
]

VIETNAMESE = [
    "matkhau", "matkhaumoi", "matkhaucu", "matkhau1", "doimatkhau", "nhapmatkhau", "quenmatkhau", "matma",
    "maso", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "anhyeu", "emyeu", "yeuemnhieu", "yeuanhnhieu",
    "iuem", "iuanh", "iloveem", "yeuthuong", "thuongem", "thuonganh", "nhoem", "nhoanh", "emoi", "anhoi",
    "meyeu", "boyeu", "yeume", "yeubo", "giadinh", "vietnam", "vietnamese", "vietnamvodich", "vodich",
    "hanoi", "hanoi1", "saigon", "hochiminh", "tphcm", "danang", "haiphong", "cantho", "hue", "nhatrang",
    "dalat", "vungtau", "ninhbinh", "namdinh", "thaibinh", "haiduong", "bacninh", "thanhhoa", "nghean",
    "hatinh", "quangninh", "quangnam", "quangngai", "binhdinh", "khanhhoa", "lamdong", "dongnai",
    "binhduong", "longan", "tiengiang", "bentre", "camau", "kiengiang", "angiang", "laocai", "yenbai",
    "sonla", "dienbien", "thainguyen", "langson", "caobang", "hagiang", "tuyenquang", "phutho", "vinhphuc",
    "hanam", "hungyen", "hoabinh", "quangbinh", "quangtri", "thuathienhue", "kontum", "gialai", "daklak",
    "daknong", "binhphuoc", "tayninh", "baria", "dongthap", "vinhlong", "travinh", "soctrang", "baclieu",
    "haugiang", "phuyen", "ninhthuan", "binhthuan", "bacgiang", "backan", "xinchao", "chaoban", "chaoem",
    "chaoanh", "camon", "camonban", "tambiet", "hello1", "conmeo", "concho", "conga", "conheo", "concon",
    "conyeu", "contrai", "congai", "embe", "bebong", "betho", "bimbim", "kitty", "meocon", "chocon",
    "heocon", "hoahong", "hoacuc", "hoalan", "hoamai", "hoadao", "hoasen", "hoasua", "hoatigon", "mattroi",
    "mattrang", "ngoisao", "bautroi", "bien", "bienxanh", "songnuoc", "quehuong", "quehuongtoi", "tinhyeu",
    "hanhphuc", "niemvui", "buon", "vui", "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu",
    "vo", "dang", "bui", "do", "ho", "ngo", "duong", "ly", "trinh", "dinh", "lam", "mai", "ubnd",
    "ubndtinh", "ubndhuyen", "ubndxa", "hdnd", "sonoivu", "noivu", "sotaichinh", "taichinh", "sogiaoduc",
    "giaoduc", "soyte", "yte", "sotuphap", "tuphap", "sokehoach", "kehoach", "dautu", "sonongnghiep",
    "nongnghiep", "socongthuong", "congthuong", "soxaydung", "xaydung", "sogiaothong", "giaothong",
    "vanphong", "vanthu", "ketoan", "thuquy", "nhansu", "tochuc", "canbo", "congchuc", "vienchuc",
    "chuyenvien", "truongphong", "phophong", "giamdoc", "phogiamdoc", "chutich", "phochutich", "bithu",
    "thutruong", "lanhdao", "coquan", "donvi", "phongban", "bophan", "motcua", "mot1cua", "iso", "iso9001",
    "iso9001:2015", "tcvniso", "tcvn", "chatluong", "quanly", "quanlychatluong", "hethong", "hethongquanly",
    "tailieu", "hoso", "vanban", "congvan", "quytrinh", "bieumau", "dichvucong", "congdichvu", "quantri",
    "quantrivien", "quantrihethong", "admin1", "taikhoan", "tendangnhap", "dangnhap", "dangky", "nguoidung",
    "khach", "khachhang", "thanhvien", "nhanvien", "nhanvien1", "cuongdang"
]

SURNAMES = [
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
    "duong", "ly", "trinh", "dinh", "lam", "mai", "dao", "cao", "luong", "truong", "ha", "kieu", "ta"
]
MIDDLE = ["van", "thi", "duc", "minh", "thanh", "ngoc", "quoc", "huu"]
GIVEN = [
    "an", "anh", "bao", "binh", "chau", "chi", "cuong", "dat", "diep", "dung", "duc", "dung", "duy",
    "giang", "ha", "hai", "han", "hanh", "hao", "hau", "hien", "hieu", "hoa", "hoai", "hoan", "hoang",
    "hong", "hue", "hung", "huong", "huy", "khanh", "khoa", "khoi", "khue", "kien", "lam", "lan", "linh",
    "loan", "long", "luan", "ly", "mai", "minh", "my", "nam", "nga", "ngan", "nghia", "ngoc", "nguyet",
    "nhan", "nhi", "nhung", "oanh", "phong", "phu", "phuc", "phuong", "quan", "quang", "quyen", "quynh",
    "sang", "sinh", "son", "tam", "tan", "thang", "thanh", "thao", "thinh", "thu", "thuy", "tien", "tin",
    "toan", "trang", "tri", "trinh", "trung", "truc", "tu", "tuan", "tung", "tuyet", "uyen", "van", "viet",
    "vinh", "vu", "vy", "xuan", "yen"
]

KEYBOARD_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "0987654321", "poiuytrewq",
                 "lkjhgfdsa", "mnbvcxz", "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhnujmikolp",
                 "abcdefghijklmnopqrstuvwxyz"]
LEET = str.maketrans({"a": "@", "o": "0", "i": "1", "e": "3", "s": "$"})
LEET_DIGITS = str.maketrans({"a": "4", "o": "0", "i": "1", "e": "3", "s": "5"})
TRAILING = "0123456789!@#$%^&*()-_=+.,;:?/\\|~`'\" "


def _core(entry: str) -> str:
    return entry.rstrip(TRAILING)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").casefold()


def words() -> set[str]:
    found: set[str] = set()
    base = {_plain(word) for word in ENGLISH + VIETNAMESE}
    for word in base:
        found.update({word, word.translate(LEET), word.translate(LEET_DIGITS), word + word, word[::-1]})
        found.add(f"@{word}")
    for first, second in itertools.permutations(sorted(VIETNAMESE[:40]), 2):
        found.add(first + second)
    for surname, given in itertools.product(SURNAMES, GIVEN):
        found.update({surname + given, given + surname})
    for surname, middle, given in itertools.product(SURNAMES, MIDDLE, GIVEN):
        found.add(surname + middle + given)
    for middle, given in itertools.product(MIDDLE, GIVEN):
        found.add(middle + given)
    return found


def sequences() -> set[str]:
    found: set[str] = set()
    for row in KEYBOARD_ROWS:
        for start in range(len(row)):
            for end in range(start + 4, len(row) + 1):
                found.add(row[start:end])
    for digit in "0123456789":
        for length in range(6, 17):
            found.add(digit * length)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for length in range(4, 13):
            found.add(letter * length)
    for length in range(6, 13):
        found.update({"".join(str(n % 10) for n in range(start, start + length)) for start in range(10)})
        found.update({"".join(str(n % 10) for n in range(start, start - length, -1)) for start in range(10)})
    for pair in ("12", "123", "1234", "12345", "69", "88", "68", "86", "99", "00", "01", "10"):
        for times in range(3, 9):
            found.add(pair * times)
    return found


def dates() -> set[str]:
    """Birthdays from 1950 to 2010 as Vietnamese write them, 15/08/1990 (the policy's minimum
    length leaves out the eight digits alone)."""
    found: set[str] = set()
    day = date(1950, 1, 1)
    while day <= date(2010, 12, 31):
        found.add(f"{day:%d/%m/%Y}")
        day += timedelta(days=1)
    return found


def build() -> list[str]:
    entries = {_core(word) for word in words()} | sequences() | dates()
    return sorted(entry for entry in entries if len(entry) >= 3)


def main() -> None:
    entries = build()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text("\n".join(entries) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(entries)} passwords")


if __name__ == "__main__":
    main()
