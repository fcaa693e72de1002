"""Deterministic benchmark text: mixed realistic documents and pathological single pieces.

Everything is generated from a seed with ``random.Random`` (whose integer-seeded sequences are
stable across CPython 3 versions), so every contender, in whatever interpreter, sees the same
input; workers also report a digest of their input so the runner can check that.  No network,
no downloaded corpora.
"""

from __future__ import annotations

import random
import string
from typing import List

__all__ = [
    "documents",
    "mixed_text",
    "pathological_text",
    "PATHOLOGICAL_KINDS",
]

_EN_WORDS = """
the of and to in is that for it as was with be by on not he this are or his from at which but
have an they you were her she there been one all we their has would when if so no will more
can who what out up about into than them some could him time only other new my also its two
like then any these may first very after most over such where through back years much before
good should well because each just those people how too little state world own see work
between both life being under never day same another know while last might us great old year
off come since against go came right used take three however system program data model
network function value result process number performance memory server request response user
client library version release feature support update change question answer problem
solution example document report analysis research design development project team company
market product service customer price cost business management information security policy
energy climate water city country government economy history science language learning
training inference token encoding parser stream message channel latency throughput benchmark
measure careful simple quickly rather although whether whose without within across toward
""".split()

_NAMES = ["Alice", "Bob", "Carol", "Dmitri", "Eve", "Fatima", "Grace", "Hiroshi", "Ines", "Jamal",
          "Kwame", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq"]
_PLACES = ["San Francisco", "Tokyo", "Lagos", "São Paulo", "Berlin", "Mumbai", "Toronto",
           "Reykjavík", "Nairobi", "Seoul", "Zürich", "Montréal", "Kraków", "Hà Nội"]
_CONTRACTIONS = ["don't", "it's", "we're", "they've", "I'm", "you'll", "he'd", "can't",
                 "won't", "isn't", "that's", "let's"]

_MULTILINGUAL = {
    "zh": ["我们今天讨论的是分布式系统的一致性问题。", "这个函数的性能比之前的版本快了三倍。",
           "请在下周一之前提交你的报告。", "人工智能正在改变软件开发的方式。",
           "北京的天气预报说明天会下雨。", "数据库索引可以显著提高查询速度。"],
    "ja": ["東京の天気は明日晴れるでしょう。", "このライブラリはトークン化を高速に行います。",
           "会議は午後三時に始まります。", "新しいバージョンでは多くのバグが修正されました。",
           "ラーメンとお寿司、どちらが好きですか？"],
    "ko": ["오늘 회의는 오후 두 시에 시작합니다.", "이 알고리즘의 시간 복잡도는 선형입니다.",
           "서울의 겨울은 매우 춥습니다.", "새로운 기능을 테스트해 주세요."],
    "ru": ["Сегодня мы обсудим архитектуру нашего сервиса.", "Производительность выросла на сорок процентов.",
           "Пожалуйста, проверьте журнал ошибок перед выпуском.", "Москва — крупнейший город России.",
           "Эта функция возвращает список токенов."],
    "ar": ["مرحبا بكم في الاجتماع السنوي للشركة.", "تم تحديث النظام إلى الإصدار الجديد.",
           "الطقس في القاهرة حار جدا في الصيف.", "يرجى مراجعة التقرير قبل الموعد النهائي."],
    "hi": ["आज मौसम बहुत अच्छा है।", "कृपया अपना पासवर्ड किसी के साथ साझा न करें।",
           "यह प्रोग्राम बहुत तेज़ी से चलता है।", "दिल्ली भारत की राजधानी है।"],
    "el": ["Η απόδοση του συστήματος βελτιώθηκε σημαντικά.", "Καλημέρα, τι κάνετε σήμερα;"],
    "he": ["הפגישה תתחיל בשעה עשר בבוקר.", "המערכת עודכנה לגרסה החדשה."],
    "th": ["วันนี้อากาศดีมาก", "กรุณาตรวจสอบรายงานก่อนส่ง"],
    "vi": ["Hôm nay trời đẹp quá, chúng ta đi dạo nhé.", "Hệ thống đã được cập nhật lên phiên bản mới."],
    "es": ["El rendimiento del analizador mejoró considerablemente.", "¿Dónde está la estación de tren?",
           "Mañana habrá una reunión con el equipo de diseño."],
    "fr": ["Le déploiement est prévu pour jeudi après-midi.", "Où se trouve la bibliothèque municipale ?",
           "Ça marche très bien, merci beaucoup !"],
    "de": ["Die Größe der Datenbank hat sich verdoppelt.", "Könnten Sie die Änderungen überprüfen?",
           "Straßenbahnhaltestelle Hauptbahnhof, nächster Halt: Universität."],
    "pt": ["A apresentação foi adiada para sexta-feira.", "O código está disponível no repositório."],
    "tr": ["Bugün hava çok güzel, dışarı çıkalım mı?", "Sunucu yeniden başlatıldı."],
}

_EMOJI = ["😀", "😂", "🥲", "😍", "🤔", "🙏", "👍", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🧑🏿‍🚀", "🏳️‍🌈",
          "🇫🇷", "🇯🇵", "🇧🇷", "🔥", "✨", "🚀", "❤️", "✅", "❌", "⚠️", "🎉", "🐍", "🦀", "☕", "🍣",
          "📈", "🤖", "💡"]

_CODE_WORDS = ["user", "token", "buffer", "parse", "render", "stream", "count", "index", "config",
               "cache", "value", "items", "result", "request", "handler", "message", "channel",
               "state", "offset", "limit", "encode", "decode", "load", "merge", "rank", "path"]


def _ident(rng: random.Random, style: str = "snake") -> str:
    parts = [rng.choice(_CODE_WORDS) for _ in range(rng.randint(1, 3))]
    if style == "camel":
        return parts[0] + "".join(p.capitalize() for p in parts[1:])
    if style == "pascal":
        return "".join(p.capitalize() for p in parts)
    return "_".join(parts)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(6, 22))]
    r = rng.random()
    if r < 0.15:
        words.insert(rng.randrange(len(words)), rng.choice(_NAMES))
    elif r < 0.25:
        words.insert(rng.randrange(len(words)), "in " + rng.choice(_PLACES))
    elif r < 0.35:
        words.insert(rng.randrange(len(words)), rng.choice(_CONTRACTIONS))
    elif r < 0.45:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 99999):,}")
    elif r < 0.50:
        words.insert(rng.randrange(len(words)), f"{rng.uniform(0, 100):.1f}%")
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f'"{words[i]}"'
    if rng.random() < 0.25:
        words[rng.randrange(len(words) - 1)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice([".", ".", ".", "?", "!", ";", ":"])


def _prose(rng: random.Random) -> str:
    paras = []
    for _ in range(rng.randint(2, 6)):
        paras.append(" ".join(_sentence(rng) for _ in range(rng.randint(2, 7))))
    if rng.random() < 0.4:
        paras.insert(0, "## " + " ".join(rng.choice(_EN_WORDS) for _ in range(rng.randint(2, 6))).title())
    if rng.random() < 0.3:
        paras.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 5))))
    return "\n\n".join(paras)


def _python_code(rng: random.Random) -> str:
    out = []
    if rng.random() < 0.5:
        out.append(f"import {rng.choice(['os', 'sys', 'json', 're', 'itertools', 'asyncio'])}\n"
                   f"from typing import {rng.choice(['Any', 'Dict', 'List', 'Optional'])}\n")
    for _ in range(rng.randint(1, 3)):
        fname = _ident(rng)
        args = ", ".join(_ident(rng) + rng.choice(["", ": int", ": str", " = None", ": list[int]"])
                         for _ in range(rng.randint(0, 3)))
        body = [f'def {fname}({args}) -> {rng.choice(["int", "str", "None", "dict"])}:',
                f'    """{_sentence(rng)}"""']
        depth = 1
        for _ in range(rng.randint(3, 12)):
            ind = "    " * depth
            choice = rng.random()
            var = _ident(rng)
            if choice < 0.25 and depth < 4:
                body.append(f"{ind}for {var} in range({rng.randint(1, 1000)}):")
                depth += 1
            elif choice < 0.4 and depth < 4:
                body.append(f"{ind}if {var} {rng.choice(['==', '!=', '<', '>='])} {rng.randint(0, 255)}:")
                depth += 1
            elif choice < 0.55:
                body.append(f"{ind}# {_sentence(rng)}")
            elif choice < 0.7:
                body.append(f'{ind}{var} = f"{{{_ident(rng)}}}: {rng.choice(_EN_WORDS)} {{{_ident(rng)}!r}}"')
            elif choice < 0.8 and depth > 1:
                depth -= 1
                body.append(f"{'    ' * depth}{var} += {rng.randint(1, 64)}")
            else:
                body.append(f"{ind}{var} = {_ident(rng)}.{_ident(rng)}({_ident(rng)}, "
                            f"{rng.choice(['True', 'None', '0x%04x' % rng.randint(0, 65535), repr(rng.choice(_EN_WORDS))])})")
        body.append(f"    return {_ident(rng)}")
        out.append("\n".join(body))
    return "```python\n" + "\n\n\n".join(out) + "\n```"


def _js_code(rng: random.Random) -> str:
    lines = [f"export async function {_ident(rng, 'camel')}({_ident(rng, 'camel')}, opts = {{}}) {{"]
    for _ in range(rng.randint(3, 10)):
        v = _ident(rng, "camel")
        r = rng.random()
        if r < 0.3:
            lines.append(f"  const {v} = await fetch(`/api/v{rng.randint(1, 3)}/{_ident(rng)}/${{{_ident(rng, 'camel')}}}`);")
        elif r < 0.5:
            lines.append(f"  if (!{v} || {v}.length === 0) {{ throw new Error('{_sentence(rng)}'); }}")
        elif r < 0.7:
            lines.append(f"  // TODO({rng.choice(_NAMES).lower()}): {_sentence(rng)}")
        else:
            lines.append(f"  let {v} = {_ident(rng, 'camel')}.map((x) => x * {rng.randint(2, 9)}).filter(Boolean);")
    lines.append(f"  return {{ {_ident(rng, 'camel')}, status: {rng.choice([200, 201, 404, 500])} }};")
    lines.append("}")
    return "```js\n" + "\n".join(lines) + "\n```"


def _json_blob(rng: random.Random) -> str:
    import json

    def value(depth: int):
        r = rng.random()
        if depth < 3 and r < 0.2:
            return {_ident(rng, "camel"): value(depth + 1) for _ in range(rng.randint(1, 5))}
        if depth < 3 and r < 0.3:
            return [value(depth + 1) for _ in range(rng.randint(1, 4))]
        if r < 0.5:
            return rng.randint(-10**6, 10**9)
        if r < 0.6:
            return round(rng.uniform(-1000, 1000), rng.randint(1, 6))
        if r < 0.7:
            return rng.choice([True, False, None])
        return " ".join(rng.choice(_EN_WORDS) for _ in range(rng.randint(1, 6)))

    obj = {_ident(rng, "camel"): value(0) for _ in range(rng.randint(3, 10))}
    return json.dumps(obj, indent=rng.choice([None, 2]), ensure_ascii=rng.random() < 0.2)


def _logs(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(5, 25)):
        ts = (f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
              f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z")
        lvl = rng.choice(["INFO", "INFO", "DEBUG", "WARN", "ERROR"])
        ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        uid = "%08x-%04x-%04x-%04x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(16),
                                             rng.getrandbits(16), rng.getrandbits(48))
        path = "/".join(_ident(rng) for _ in range(rng.randint(1, 4)))
        lines.append(f"{ts} {lvl:5} [{ip}] req={uid} GET https://example.com/{path}?page={rng.randint(1, 50)} "
                     f"-> {rng.choice([200, 204, 301, 404, 500])} in {rng.uniform(0.1, 900):.2f}ms "
                     f"sha={rng.getrandbits(160):040x}")
    return "\n".join(lines)


def _multilingual(rng: random.Random) -> str:
    langs = list(_MULTILINGUAL)
    out = []
    for _ in range(rng.randint(3, 12)):
        lang = rng.choice(langs)
        out.append(" ".join(rng.choice(_MULTILINGUAL[lang]) for _ in range(rng.randint(1, 4))))
    return "\n".join(out)


def _chat(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(4, 14)):
        who = rng.choice(_NAMES)
        words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(2, 14))]
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words) + 1), "".join(rng.choice(_EMOJI) for _ in range(rng.randint(1, 3))))
        if rng.random() < 0.3:
            words.append(rng.choice(_MULTILINGUAL[rng.choice(list(_MULTILINGUAL))]))
        out.append(f"[{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}] {who}: " + " ".join(words))
    return "\n".join(out)


_KINDS: List[tuple] = [
    (0.32, _prose),
    (0.14, _python_code),
    (0.08, _js_code),
    (0.08, _json_blob),
    (0.08, _logs),
    (0.20, _multilingual),
    (0.10, _chat),
]


def _document(rng: random.Random) -> str:
    r = rng.random()
    acc = 0.0
    for weight, fn in _KINDS:
        acc += weight
        if r < acc:
            return fn(rng)
    return _KINDS[-1][1](rng)


def documents(total_bytes: int, seed: int) -> List[str]:
    """Return mixed documents (each a few KB) whose UTF-8 sizes add up to at least *total_bytes*."""
    rng = random.Random(seed)
    docs: List[str] = []
    size = 0
    while size < total_bytes:
        parts = [_document(rng) for _ in range(rng.randint(1, 3))]
        doc = "\n\n".join(parts) + "\n"
        docs.append(doc)
        size += len(doc.encode("utf-8"))
    return docs


def mixed_text(total_bytes: int, seed: int) -> str:
    """Return one string of mixed text, cut to at most *total_bytes* UTF-8 bytes (on a char boundary)."""
    data = "".join(documents(total_bytes, seed)).encode("utf-8")[:total_bytes]
    return data.decode("utf-8", "ignore")


def _letters(n: int, rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=n))


def _digits(n: int, rng: random.Random) -> str:
    return "".join(rng.choices(string.digits, k=n))


def _spaces(n: int, rng: random.Random) -> str:
    # Slightly different lengths, so that a whole-piece cache cannot serve repeats.
    return " " * (n - rng.randrange(min(64, n // 10 + 1)))


def _base64ish(n: int, rng: random.Random) -> str:
    import base64

    return base64.b64encode(rng.randbytes(n * 3 // 4 + 3)).decode("ascii")[:n]


#: name -> (description, generator); each a single run with no whitespace break (or only whitespace).
PATHOLOGICAL_KINDS: dict = {
    "letters": ("lowercase letters, no whitespace (one pre-token)", _letters),
    "base64": ("base64 blob, no whitespace", _base64ish),
    "digits": ("one long digit run", _digits),
    "spaces": ("one long run of spaces (one pre-token)", _spaces),
}


def pathological_text(kind: str, n_bytes: int, seed: int) -> str:
    """Return *n_bytes* of ASCII text of the given pathological *kind*."""
    return PATHOLOGICAL_KINDS[kind][1](n_bytes, random.Random(seed))


