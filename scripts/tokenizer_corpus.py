"""Deterministic test text for the tokenizer goldens.

Everything is produced from hand-written samples and a seeded ``random.Random``; nothing is
downloaded.  ``generate_cases()`` returns ``(category, name, text)`` triples covering the
pre-tokenizer's corner cases (scripts, emoji, whitespace kinds, contractions, special-token
look-alikes, control characters, lone surrogates, every Unicode general category, very
long pieces).  (Benchmark text comes from ``benchmarks/corpus.py``.)

Code point classes come from ``unicodedata`` of the running interpreter; the goldens
store the generated text itself, so tests never depend on regenerating it.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Callable, Dict, List, Tuple

__all__ = ["generate_cases", "category_pools", "SEED"]

SEED = 0x0200_1DEA

Case = Tuple[str, str, str]

# --------------------------------------------------------------------------------------
# Hand-written samples
# --------------------------------------------------------------------------------------

CODE_SAMPLES: Dict[str, str] = {
    "python": '''\
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class {Name}:
    """Keeps track of {noun}s seen so far."""

    {var}: Dict[str, int] = field(default_factory=dict)
    limit: Optional[int] = None

    def add(self, key: str, amount: int = 1) -> int:
        if self.limit is not None and len(self.{var}) >= self.limit:
            raise ValueError(f"too many {noun}s: {{len(self.{var})}} >= {{self.limit}}")
        self.{var}[key] = self.{var}.get(key, 0) + amount
        return self.{var}[key]

    def top(self, n=3) -> List[str]:
        return sorted(self.{var}, key=lambda k: (-self.{var}[k], k))[:n]


def main(argv: List[str]) -> int:
    c = {Name}(limit={num})
    for path in argv[1:]:
        with open(path, "r", encoding="utf-8") as fh:
            for line in fh:
                for word in line.split():
                    c.add(word.lower().strip(".,;:!?'\\""))
    print(*c.top(), sep="\\n")
    return 0 if c.{var} else 1

if __name__ == "__main__":
    raise SystemExit(main(os.sys.argv))
''',
    "c": '''\
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {noun} table: open addressing, power-of-two size */
typedef struct {{ char *key; long {var}; }} entry_t;

static unsigned long hash_{var}(const char *s) {{
    unsigned long h = 5381u;
    while (*s) h = ((h << 5) + h) ^ (unsigned char)*s++;
    return h;
}}

int {name}_insert(entry_t *tab, size_t cap, const char *key, long v) {{
    size_t i = hash_{var}(key) & (cap - 1);
    for (size_t n = 0; n < cap; ++n, i = (i + 1) & (cap - 1)) {{
        if (tab[i].key == NULL) {{ tab[i].key = strdup(key); tab[i].{var} = v; return 1; }}
        if (strcmp(tab[i].key, key) == 0) {{ tab[i].{var} += v; return 0; }}
    }}
    fprintf(stderr, "table full (%zu)\\n", cap);
    return -1;
}}

int main(int argc, char **argv) {{
    entry_t *tab = calloc({num}, sizeof *tab);
    for (int i = 1; i < argc; i++) {name}_insert(tab, {num}, argv[i], i * 0x{hex}L);
    printf("%s=%ld\\n", argv[argc > 1], tab[0].{var});
    return tab ? EXIT_SUCCESS : EXIT_FAILURE;
}}
''',
    "rust": '''\
use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum {Name}Error {{
    Missing(String),
    Overflow {{ at: usize, limit: u32 }},
}}

impl fmt::Display for {Name}Error {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        match self {{
            Self::Missing(k) => write!(f, "missing {noun}: {{k}}"),
            Self::Overflow {{ at, limit }} => write!(f, "overflow at {{at}} (limit {{limit}})"),
        }}
    }}
}}

pub fn {name}<'a>(items: &'a [&'a str], limit: u32) -> Result<HashMap<&'a str, u32>, {Name}Error> {{
    let mut {var}: HashMap<&str, u32> = HashMap::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {{
        let e = {var}.entry(*it).or_insert(0);
        *e = e.checked_add(1).filter(|&v| v <= limit).ok_or({Name}Error::Overflow {{ at: i, limit }})?;
    }}
    Ok({var})
}}

#[cfg(test)]
mod tests {{
    #[test]
    fn it_counts() {{ assert_eq!(super::{name}(&["a", "b", "a"], {num}).unwrap()["a"], 2); }}
}}
''',
    "javascript": '''\
'use strict';
// {noun} cache with a TTL; works in Node >= 18 and browsers
export class {Name} {{
  #{var} = new Map();
  constructor(ttlMs = {num}) {{ this.ttl = ttlMs; }}

  get(key) {{
    const hit = this.#{var}.get(key);
    if (!hit || hit.expires < Date.now()) {{ this.#{var}.delete(key); return undefined; }}
    return hit.value;
  }}

  set(key, value) {{
    this.#{var}.set(key, {{ value, expires: Date.now() + this.ttl }});
    return this;
  }}
}}

const {name} = async (url, opts = {{}}) => {{
  const res = await fetch(`${{url}}?q=${{encodeURIComponent(opts.q ?? '')}}&n=${{opts.n || 10}}`);
  if (!res.ok) throw new Error(`HTTP ${{res.status}}: ${{res.statusText}}`);
  return (await res.json())?.items?.filter((x) => x && x.id !== 0x{hex}) ?? [];
}};
module.exports = {{ {Name}, {name} }};
''',
    "go": '''\
package {var}

import (
\t"errors"
\t"fmt"
\t"sort"
\t"strings"
)

// {Name} holds {noun}s keyed by name.
type {Name} struct {{
\titems map[string]int
\tlimit int
}}

var Err{Name}Full = errors.New("{noun} store is full")

func New{Name}(limit int) *{Name} {{
\treturn &{Name}{{items: make(map[string]int), limit: limit}}
}}

func (s *{Name}) Add(name string, n int) error {{
\tif len(s.items) >= s.limit {{
\t\treturn fmt.Errorf("add %q: %w", name, Err{Name}Full)
\t}}
\ts.items[strings.ToLower(name)] += n
\treturn nil
}}

func (s *{Name}) Keys() []string {{
\tkeys := make([]string, 0, len(s.items))
\tfor k := range s.items {{
\t\tkeys = append(keys, k)
\t}}
\tsort.Strings(keys)
\treturn keys[:min(len(keys), {num})]
}}
''',
    "java": '''\
package com.example.{var};

import java.util.*;
import java.util.stream.Collectors;

/** Groups {noun}s by their first letter. */
public final class {Name} {{
    private final Map<Character, List<String>> {var} = new TreeMap<>();

    public {Name} add(String... words) {{
        for (String w : words) {{
            if (w == null || w.isEmpty()) continue;
            {var}.computeIfAbsent(Character.toUpperCase(w.charAt(0)), k -> new ArrayList<>()).add(w);
        }}
        return this;
    }}

    @Override
    public String toString() {{
        return {var}.entrySet().stream()
            .map(e -> e.getKey() + "=" + String.join("|", e.getValue()))
            .collect(Collectors.joining(", ", "{{", "}}"));
    }}

    public static void main(String[] args) throws Exception {{
        System.out.println(new {Name}().add(args).toString() + " // " + {num}L);
    }}
}}
''',
    "html": '''\
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{Name} &mdash; {noun} list</title>
  <style>
    body {{ font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 42em; }}
    .{var} > li:nth-child(2n+1) {{ background: #{hex}; }}
    a[href^="https://"]::after {{ content: " \\2197"; }}
  </style>
</head>
<body>
  <!-- generated; do not edit -->
  <ul class="{var}" data-count="{num}">
    <li><a href="https://example.com/{var}/{num}?sort=asc&amp;page=2#top">{Name}</a></li>
    <li><input type="checkbox" checked disabled> &lt;{noun}&gt; &amp;&nbsp;more&hellip;</li>
  </ul>
  <script>document.querySelectorAll('.{var} li').forEach((li, i) => li.title = `#${{i}}`);</script>
</body>
</html>
''',
    "sql": '''\
-- {noun} report
WITH recent AS (
    SELECT u.id, u.name, COUNT(*) AS n_{var}
    FROM users AS u
    JOIN {var} AS o ON o.user_id = u.id
    WHERE o.created_at >= NOW() - INTERVAL '{num} days'
      AND o.status IN ('paid', 'shipped')
    GROUP BY u.id, u.name
    HAVING COUNT(*) > 1
)
SELECT name, n_{var}, RANK() OVER (ORDER BY n_{var} DESC) AS "rank"
FROM recent
ORDER BY "rank", name
LIMIT 10 OFFSET 0;
UPDATE {var} SET status='archived' WHERE id=0x{hex} OR note LIKE '%{noun}\\_%' ESCAPE '\\';
''',
    "shell": '''\
#!/usr/bin/env bash
set -euo pipefail
IFS=$'\\n\\t'

{var}_dir="${{HOME}}/.cache/{name}"
mkdir -p -- "${var}_dir"
trap 'rm -rf -- "$tmp"' EXIT
tmp=$(mktemp -d)

for f in "$@"; do
  [[ -f $f ]] || {{ echo "skip: $f" >&2; continue; }}
  sha=$(sha256sum -- "$f" | cut -d' ' -f1)
  if ! grep -qx "$sha" "${var}_dir/seen" 2>/dev/null; then
    cp -- "$f" "$tmp/${{sha:0:12}}.{noun}" && echo "$sha" >> "${var}_dir/seen"
  fi
done
find "$tmp" -type f -name '*.{noun}' -print0 | xargs -0 -r -n {num} tar -rf "${var}_dir/out.tar"
echo "done: $(ls -1 "$tmp" | wc -l) files" | tee /dev/stderr > /dev/null
''',
    "json": '''\
{{
  "name": "{name}",
  "version": "{num}.0.{num2}",
  "private": true,
  "scripts": {{ "build": "tsc -p . && node ./dist/{var}.js", "test": "vitest --run" }},
  "config": {{
    "{var}": [1, 2.5, -3e-7, null, true, false, "\\u00e9\\n\\t\\"quoted\\"", {{}}],
    "nested": {{"a": {{"b": {{"c": [[[]]]}}}}}},
    "color": "#{hex}",
    "path": "C:\\\\Users\\\\{name}\\\\AppData\\\\Local\\\\{Name}"
  }}
}}
''',
    "yaml": '''\
# {noun} deployment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels: {{ app: {var}, tier: backend }}
spec:
  replicas: {num2}
  template:
    spec:
      containers:
        - name: {var}
          image: "registry.example.com/{var}:{num}.{num2}"
          args: ["--port=8080", '--log-level=debug', --no-color]
          env:
            - {{ name: {NAME}_MODE, value: "prod" }}
          resources:
            limits: {{ cpu: 500m, memory: 256Mi }}
      nodeSelector: {{}}
''',
    "markdown": '''\
# {Name}: a *{noun}* library

> **Note:** version {num}.{num2} drops Python 3.8 &mdash; see [CHANGELOG](./CHANGELOG.md#v{num}).

1. Install: `pip install {name}`
2. Run `{name} --help` or ``python -m {var}``

| option | default | meaning |
|:-------|--------:|:-------:|
| `-n`   | {num}   | how many {noun}s |
| `--x`  | _none_  | ~~deprecated~~ |

```python
from {var} import {Name}
print({Name}().run())  # -> [1, 2, 3]
```

- [ ] todo: {noun}s with emoji :tada:
- [x] done\\
  line two<br/>
''',
    "latex": '''\
\\documentclass{{article}}
\\usepackage[utf8]{{inputenc}}
\\begin{{document}}
\\section{{{Name} and the {noun}}}\\label{{sec:{var}}}
Let $f(x) = \\sum_{{i=0}}^{{{num}}} \\frac{{x^i}}{{i!}}$ and $\\alpha_{{{num2}}} \\le \\beta$.
\\begin{{align*}}
  \\int_0^\\infty e^{{-x^2}}\\,dx &= \\tfrac{{\\sqrt{{\\pi}}}}{{2}} \\\\
  \\nabla \\cdot \\vec{{E}} &= \\rho / \\varepsilon_0 % Gauss
\\end{{align*}}
See Section~\\ref{{sec:{var}}} and \\cite{{{name}{num}}}.
\\end{{document}}
''',
    "diff": '''\
diff --git a/src/{var}.py b/src/{var}.py
index 3f2a1bc..9e0d7aa 100644
--- a/src/{var}.py
+++ b/src/{var}.py
@@ -{num},7 +{num},8 @@ class {Name}:
     def close(self):
-        self._fh.close()
+        if self._fh is not None:
+            self._fh.close()
+            self._fh = None
         return self
 
-# TODO(someone): {noun}s
+# FIXME: {noun}s are leaking
\\ No newline at end of file
''',
    "css_regex_misc": '''\
/^(?:[a-z0-9!#$%&'*+/=?^_`{{|}}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{{|}}~-]+)*)@{var}\\.com$/i
s/\\([0-9]\\{{3\\}}\\)-\\([0-9]\\{{4\\}}\\)/\\2-\\1/g
awk -F: '$3 >= {num} {{ print $1 "\\t" $NF }}' /etc/passwd
perl -pe 's{{(\\w+)@(\\w+)}}{{$2 at $1}}g; $_ .= "\\n" if eof' {name}.txt
SELECT*FROM"{var}"WHERE"x"<>'y'||'z';
x+=1;y-=2;z*=3;w/=4;v%=5;u**=6;t//=7;s<<=8;r>>=9;q&=10;p|=11;o^=12;
if(a&&b||!c){{return!!d?e:f??g;}}else if(h===i&&j!==k){{l>>>=m;}}
''',
}

IDENT_WORDS = (
    "alpha beta gamma delta record buffer token parser stream window cache index node graph "
    "queue batch frame layer shard chunk block entry value item field widget ledger matrix "
    "vector bucket slot cursor handle socket packet stamp order user account invoice"
).split()

ENGLISH_WORDS = (
    "the a an of to in and or but for with on at by from as is was are were be been being "
    "have has had do does did will would can could should may might must shall not no yes "
    "it its this that these those there here where when why how what which who whom whose "
    "time year people way day man woman child world life hand part place case week company "
    "system program question work government number night point home water room mother area "
    "money story fact month lot right study book eye job word business issue side kind head "
    "house service friend father power hour game line end member law car city community name "
    "president team minute idea kid body information back parent face others level office "
    "door health person art war history party result change morning reason research girl guy "
    "moment air teacher force education foot boy age policy everything process music market "
    "sense nation plan college interest death experience effect class control care field "
    "development role effort rate heart drug show leader light voice wife police mind price "
    "report decision son view relationship town road arm difference value building action "
    "model season society tax director position player record paper space ground form event "
    "official matter center couple site project activity star table need court oil situation "
    "cost industry figure street image phone data picture practice piece land product doctor "
    "wall patient worker news test movie north love support technology step baby computer type "
    "attention film tree source organization hair window evidence population truth economy "
    "quickly slowly carefully really almost always never often sometimes already still just "
    "good new first last long great little own other old big high different small large next "
    "early young important few public bad same able strange quiet bright heavy curious "
    "said made went took came saw knew got gave found thought told became left felt brought "
    "began kept held wrote stood heard let meant set met ran paid sat spoke lay led read grew"
).split()

CONTRACTIONS = [
    "don't", "DON'T", "Don'T", "it's", "it'S", "IT'S", "we're", "we'Re", "WE'RE", "we'rE",
    "I'm", "I'M", "i'm", "they'll", "they'LL", "They'Ll", "she'd", "SHE'D", "we've", "WE'VE",
    "we'Ve", "can't", "won't", "y'all", "o'clock", "rock'n'roll", "ma'am", "'tis", "'twas",
    "'s", "'S", "'re", "'RE", "'ll", "'LL", "'d", "'D", "'m", "'M", "'ve", "'VE", "'t", "'T",
    "James's", "JAMES'S", "the '90s", "'90s", "x's", "1's", "2'S", "a''s", "it'ss", "it'sS",
    "we'rent", "they'llama", "o'reilly", "O'REILLY", "d'Artagnan", "l'homme", "L'ÉCOLE",
    "it'ſ", "IT'ſ", "ab'st", "he'd've", "HE'D'VE", "y'all'd've", "'''", "'s's's", " 's", "\t'S",
]

APOSTROPHES = ["'", "\u2019", "\u2018", "\u02bc", "\u2032", "\uff07", "`", "\u00b4", "\u02b9", "\u055a"]

SPECIAL_LIKE = [
    "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>",
    "<|call|>", "<|endoftext|>", "<|startoftext|>", "<|endofprompt|>", "<|refusal|>",
    "<|untrusted|>", "<|end_untrusted|>", "<|reserved_200000|>", "<|reserved_200001|>",
    "<|reserved_200004|>", "<|reserved_200100|>", "<|reserved_201088|>", "<|reserved_201089|>",
    "<|reserved_199999|>", "<|en", "<|", "|>", "<||>", "<|>", "<|<|end|>|>", "<|END|>",
    "< |end| >", "<|end|", "|end|>", "<|\u200bend|>", "<｜end｜>", "<|start|>assistant",
    "<|channel|>analysis<|message|>", "<|constrain|>json", "<|end|><|start|>", "<<||>>",
    "<|endoftext|>\n", " <|end|> ", "\n<|start|>user<|message|>hi<|end|>\n",
]

MULTILINGUAL: Dict[str, List[str]] = {
    "zh": [
        "今天天气很好，我们一起去公园散步吧。",
        "这个程序的运行速度比上一个版本快了三倍，但内存占用略有增加。",
        "他说：“明天的会议推迟到下午三点。”大家都点了点头。",
        "机器学习模型需要大量的数据来进行训练和验证。",
        "请在二〇二四年十二月三十一日之前提交报告（包括附录和参考文献）。",
        "繁體中文：網路連線已中斷，請稍後再試。",
    ],
    "ja": [
        "昨日は雨が降っていたので、家で本を読んでいました。",
        "このアプリケーションはクラウド上で動作します。",
        "東京駅から新幹線で大阪まで約二時間半かかります。",
        "すみません、トイレはどこですか？――あちらです。",
        "ｶﾀｶﾅの半角文字とカタカナの全角文字が混在している。",
        "ゝゞヽヾ々〆〇ー・「」『』【】〜",
    ],
    "ko": [
        "안녕하세요, 만나서 반갑습니다.",
        "이 문서는 자동으로 생성되었습니다. 수정하지 마십시오.",
        "서울의 겨울은 춥지만 하늘은 맑은 날이 많아요.",
        "ᄒᆞᆫ글 옛한글 자모: ᄀᆞ ᅘᆞ ᄫᆞ",
    ],
    "ar": [
        "مرحبا بكم في موقعنا، نتمنى لكم تجربة ممتعة.",
        "اللُّغَةُ العَرَبِيَّةُ جَمِيلَةٌ وَغَنِيَّةٌ بِالمُفْرَدَاتِ.",
        "تم تحديث النظام إلى الإصدار ٣٫٢ في ١٥ مارس ٢٠٢٤.",
        "هل تريد المتابعة؟ نعم / لا",
        "فارسی: این یک متن آزمایشی است که با حروف گچ پژ نوشته شده.",
        "اردو: یہ ایک آزمائشی جملہ ہے۔",
    ],
    "he": [
        "שלום עולם! זהו משפט לדוגמה בעברית.",
        "בְּרֵאשִׁית בָּרָא אֱלֹהִים אֵת הַשָּׁמַיִם וְאֵת הָאָרֶץ׃",
    ],
    "hi": [
        "नमस्ते, आप कैसे हैं? मैं ठीक हूँ।",
        "भारत की राजधानी नई दिल्ली है और यहाँ की जनसंख्या बहुत अधिक है।",
        "क्षत्रिय, ज्ञान, श्रृंगार, द्वार, स्त्री, अर्द्ध — संयुक्ताक्षर।",
        "संस्कृतम्: धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः॥ १॥",
        "मराठी: महाराष्ट्राची राजधानी मुंबई आहे.",
    ],
    "bn": ["আমি বাংলায় গান গাই। ঢাকা বাংলাদেশের রাজধানী।"],
    "ta": ["தமிழ் ஒரு பழமையான மொழி. வணக்கம்!"],
    "te": ["తెలుగు భాషలో ఇది ఒక ఉదాహరణ వాక్యం."],
    "th": [
        "สวัสดีครับ วันนี้อากาศดีมาก",
        "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ ทำให้การตัดคำเป็นเรื่องยาก",
        "กรุงเทพมหานคร อมรรัตนโกสินทร์ มหินทรายุธยา ๑๒๓๔",
        "น้ำ ผู้ใหญ่ เด็กๆ ก็ได้ ไม้เอก ไม้โท ไม้ตรี ไม้จัตวา",
    ],
    "lo_km_my": ["ສະບາຍດີ ພາສາລາວ", "សួស្តី ភាសាខ្មែរ", "မင်္ဂလာပါ မြန်မာဘာသာ"],
    "ru": [
        "Съешь же ещё этих мягких французских булок, да выпей чаю.",
        "ПРОГРАММА ЗАВЕРШИЛАСЬ С ОШИБКОЙ: файл не найден.",
        "Ёжик в тумане — мультфильм 1975 года.",
        "Україна: Її ґанок і єнот. Беларусь: ўсё.",
        "Сербија: Љубав, Његош, Ђорђе, Џон.",
    ],
    "el": ["Γειά σου Κόσμε! Ἐν ἀρχῇ ἦν ὁ λόγος.", "ΑΥΤΟ ΕΙΝΑΙ ΚΕΦΑΛΑΙΑ· και τελικό σίγμα ς."],
    "hy_ka_am": ["Բարեւ աշխարհ։", "გამარჯობა მსოფლიო", "ሰላም ለዓለም። ኢትዮጵያ"],
    "latin_ext": [
        "Tiếng Việt có nhiều dấu: ắ ằ ẳ ẵ ặ, ướ ườ ưở ưỡ ượ.",
        "Straße, Größe, Übermaß; ÄÖÜ äöü ẞ.",
        "Ça va? Où est l'hôtel? «Très bien», dit-il.",
        "Zażółć gęślą jaźń. Příliš žluťoučký kůň úpěl ďábelské ódy.",
        "İstanbul'da ılık bir gün; IĞDIR ŞİŞLİ.",
        "Ǆ ǅ ǆ Ǉ ǈ ǉ ǲ ᾈ ᾉ ῼ — titlecase digraphs.",
        "ÆØÅ æøå Þorn ðeth ŋ ĸ ŉ ſ ƒ",
    ],
    "other_scripts": [
        "ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ",  # Mongolian (with free variation selectors nearby)
        "ᏣᎳᎩ ᎦᏬᏂᎯᏍᏗ",  # Cherokee
        "ᐃᓄᒃᑎᑐᑦ",  # Inuktitut syllabics
        "ꦧꦱꦗꦮ",  # Javanese
        "ᚠᚢᚦᚨᚱᚲ ᚷᚹ",  # Runic
        "𐌰𐌱𐌲𐌳 𐍈",  # Gothic
        "𓀀𓀁𓂀 𓃰",  # Egyptian hieroglyphs
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐁𝐨𝐥𝐝 𝑖𝑡𝑎𝑙𝑖𝑐 𝟘𝟙𝟚",  # math alphanumerics
        "ⓐⓑⓒ ⒜⒝ ① ② ⑩ ⑳ ㉑ ㊿",
    ],
}

EMOJI = [
    "😀", "😂", "🥲", "❤️", "❤", "♥️", "👍", "👍🏻", "👍🏼", "👍🏽", "👍🏾", "👍🏿",
    "👨‍👩‍👧‍👦", "👩‍❤️‍💋‍👨", "🧑🏽‍🚀", "👩🏿‍🔬", "🏳️‍🌈", "🏳️‍⚧️", "🏴‍☠️", "🐻‍❄️",
    "🇺🇸", "🇯🇵", "🇩🇪🇫🇷", "🇦", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "🏴󠁧󠁢󠁷󠁬󠁳󠁿", "1️⃣", "#️⃣", "*️⃣", "©️", "™️", "↔️",
    "🫠", "🫶🏾", "🧌", "🪿", "🫎", "🙂‍↔️", "🙂‍↕️", "🧑‍🧑‍🧒", "🐦‍🔥", "🍋‍🟩",
    "⌚", "☕", "✂️", "✔︎", "⚠️", "🔥🔥🔥", "💯", "🤷‍♀️", "🤦🏼‍♂️", "🧘🏻‍♀️",
]


# --------------------------------------------------------------------------------------
# Code point classes
# --------------------------------------------------------------------------------------

_POOLS: Dict[str, List[int]] = {}


def category_pools() -> Dict[str, List[int]]:
    """Map each general category ("Lu", "Cn", ...) to its code points (Cs excluded)."""
    if not _POOLS:
        for cp in range(0x110000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            cat = unicodedata.category(chr(cp))
            if cat == "Cn" and cp >= 0x40000 and cp < 0xE0000:
                continue  # planes 4..13: keep the pool small; a few are added below
            _POOLS.setdefault(cat, []).append(cp)
        _POOLS["Cn"].extend([0x4FFFF, 0x50000, 0x7A5A5, 0xDFFFE, 0x10FFFF])
    return _POOLS


# Code points assigned after Unicode 14.0 (ranges per script/block), where regex engines
# with different Unicode tables disagree.
NEW_ASSIGNMENTS = [
    ("15.0 Kawi", 0x11F00, 0x11F59), ("15.0 Nag Mundari", 0x1E4D0, 0x1E4F9),
    ("15.0 CJK Ext H", 0x31350, 0x313AF), ("15.0 Devanagari Ext-A", 0x11B00, 0x11B09),
    ("15.0 Cyrillic Ext-D", 0x1E030, 0x1E08F), ("15.0 Kaktovik numerals", 0x1D2C0, 0x1D2D3),
    ("15.0 misc", 0x0CF3, 0x0CF3), ("15.1 CJK Ext I", 0x2EBF0, 0x2EC5D),
    ("16.0 Garay", 0x10D40, 0x10D8F), ("16.0 Todhri", 0x105C0, 0x105F3),
    ("16.0 Kirat Rai", 0x16D40, 0x16D79), ("16.0 Sunuwar", 0x11BC0, 0x11BE1),
    ("16.0 Gurung Khema", 0x16100, 0x16139), ("16.0 Ol Onal", 0x1E5D0, 0x1E5FF),
    ("16.0 Tulu-Tigalari", 0x11380, 0x113E2), ("16.0 Latin", 0xA7CB, 0xA7DC),
    ("16.0 Cyrillic", 0x1C89, 0x1C8A), ("16.0 Symbols for Legacy Computing Sup", 0x1CC00, 0x1CCF9),
    ("16.0 Egyptian Ext-A", 0x13460, 0x1346F), ("16.0 Myanmar Ext-C", 0x116D0, 0x116E3),
    ("17.0 Sidetic", 0x10940, 0x10959), ("17.0 CJK Ext J", 0x323B0, 0x3240F),
    ("17.0 Latin", 0xA7CE, 0xA7CF), ("17.0 Beria Erfe", 0x16EA0, 0x16EDF),
    ("17.0 Tolong Siki", 0x11DB0, 0x11DEF), ("17.0 Tai Yo", 0x1E6C0, 0x1E6FF),
    ("17.0 Sharada Sup", 0x11B60, 0x11B67), ("17.0 Tangut Comp Sup", 0x18D80, 0x18DF2),
]

# Letters, marks and numbers new in Unicode 17.0 (found by probing the oracle: its regex
# engine has Unicode 16 tables and treats these as unassigned, i.e. not \p{L}/\p{M}/\p{N}).
NEW_IN_17_LMN = [
    (0x088F, 0x088F), (0x0C5C, 0x0C5C), (0x0CDC, 0x0CDC), (0x1ACF, 0x1ADD), (0x1AE0, 0x1AEB),
    (0xA7CE, 0xA7CF), (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4), (0xA7F1, 0xA7F1), (0x10940, 0x10959),
    (0x10EC5, 0x10EC7), (0x10EFA, 0x10EFB), (0x11B60, 0x11B67), (0x11DB0, 0x11DDB), (0x11DE0, 0x11DE9),
    (0x16EA0, 0x16EB8), (0x16EBB, 0x16ED3), (0x16FF2, 0x16FF6), (0x187F8, 0x187FF), (0x18D09, 0x18D1E),
    (0x18D80, 0x18DF2), (0x1E6C0, 0x1E6DE), (0x1E6E0, 0x1E6F5), (0x1E6FE, 0x1E6FF), (0x2B73A, 0x2B73F),
    (0x2CEA2, 0x2CEAD), (0x323B0, 0x33479),
]

UNICODE_SPACES = [
    " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x85", "\xa0", "\u1680", "\u2000",
    "\u2001", "\u2002", "\u2003", "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009",
    "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\x1c", "\x1d", "\x1e",
    "\x1f", "\u180e", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
]

CATEGORY_NAMES = [
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
    "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cn",
]


# --------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------


def _fill_code(rng: random.Random, template: str) -> str:
    name = rng.choice(IDENT_WORDS) + "_" + rng.choice(IDENT_WORDS)
    noun = rng.choice(IDENT_WORDS)
    return template.format(
        Name="".join(p.capitalize() for p in name.split("_")),
        NAME=name.upper(),
        name=name,
        var=rng.choice(IDENT_WORDS) + rng.choice(["", "s", "_map", "2", "Count"]),
        noun=noun,
        num=rng.choice([0, 1, 7, 42, 100, 256, 1000, 4096, 65536, 123456789]),
        num2=rng.randrange(100),
        hex="%06x" % rng.randrange(1 << 24),
    )


def _code_variant(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.15:
        text = text.replace("\n", "\r\n")
    elif r < 0.25:
        text = text.replace("    ", "\t")
    elif r < 0.32:
        text = text.replace("    ", "  ")
    elif r < 0.38:
        text = "\n".join(line + " " * rng.randrange(3) for line in text.split("\n"))
    elif r < 0.42:
        text = text.replace("\n", "\r")
    return text


def _sentence(rng: random.Random) -> str:
    n = rng.randrange(3, 22)
    words = []
    for i in range(n):
        r = rng.random()
        if r < 0.05:
            w = rng.choice(CONTRACTIONS[:30])
        elif r < 0.08:
            w = str(rng.choice([rng.randrange(10), rng.randrange(1000), rng.randrange(10**7)]))
        elif r < 0.10:
            w = rng.choice(IDENT_WORDS).upper()
        elif r < 0.12:
            w = rng.choice(ENGLISH_WORDS) + "-" + rng.choice(ENGLISH_WORDS)
        else:
            w = rng.choice(ENGLISH_WORDS)
        if i and rng.random() < 0.08:
            w += rng.choice([",", ",", ";", ":", " \u2014", "\u2014", " -", "..."])
        words.append(w)
    s = " ".join(words)
    s = s[0].upper() + s[1:]
    r = rng.random()
    if r < 0.08:
        s = "\u201c" + s + rng.choice(["?\u201d", ".\u201d", "!\u201d"])
    elif r < 0.14:
        s = '"' + s + '," she said.'
    elif r < 0.18:
        s = s + " (" + rng.choice(ENGLISH_WORDS) + " " + str(rng.randrange(1900, 2030)) + ")."
    else:
        s += rng.choice([".", ".", ".", "?", "!", "...", "?!", "!!!", ":"])
    return s


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randrange(2, 9)))


def _prose(rng: random.Random, n_chars: int) -> str:
    out: List[str] = []
    size = 0
    while size < n_chars:
        p = _paragraph(rng)
        sep = rng.choice(["\n\n", "\n\n", "\n", "\n\n\n", "  \n", "\n \n", "\r\n\r\n"])
        out.append(p + sep)
        size += len(p) + len(sep)
    return "".join(out)


def _random_from(rng: random.Random, pool: List[int], n: int) -> str:
    return "".join(chr(rng.choice(pool)) for _ in range(n))


def _multilingual(rng: random.Random, lang: str, n_chars: int) -> str:
    sents = MULTILINGUAL[lang]
    out: List[str] = []
    size = 0
    while size < n_chars:
        s = rng.choice(sents)
        if rng.random() < 0.1:
            s = s + " " + rng.choice(ENGLISH_WORDS) + " " + str(rng.randrange(10000))
        sep = rng.choice([" ", " ", "", "\n", "\n\n", "\u3000", "\t"])
        out.append(s + sep)
        size += len(s) + len(sep)
    return "".join(out)


def _script_soup(rng: random.Random, n: int) -> str:
    """Random syllable-like strings from several scripts (letters plus marks)."""
    out = []
    for _ in range(n):
        kind = rng.randrange(9)
        if kind == 0:  # Hangul syllables
            w = "".join(chr(rng.randrange(0xAC00, 0xD7A4)) for _ in range(rng.randrange(1, 6)))
        elif kind == 1:  # CJK ideographs incl. Ext A/B
            pool = rng.choice([(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF)])
            w = "".join(chr(rng.randrange(*pool)) for _ in range(rng.randrange(1, 9)))
        elif kind == 2:  # Arabic letters with harakat
            w = "".join(
                chr(rng.randrange(0x0628, 0x064B)) + (chr(rng.randrange(0x064B, 0x0653)) if rng.random() < 0.5 else "")
                for _ in range(rng.randrange(2, 8))
            )
        elif kind == 3:  # Devanagari consonant clusters
            parts = []
            for _ in range(rng.randrange(1, 5)):
                c = chr(rng.randrange(0x0915, 0x0939))
                if rng.random() < 0.3:
                    c += "\u094d" + chr(rng.randrange(0x0915, 0x0939))
                if rng.random() < 0.6:
                    c += chr(rng.choice([0x093E, 0x093F, 0x0940, 0x0941, 0x0947, 0x094B, 0x0902, 0x0903]))
                parts.append(c)
            w = "".join(parts)
        elif kind == 4:  # Thai with tone marks
            w = "".join(
                chr(rng.randrange(0x0E01, 0x0E2F)) + (chr(rng.randrange(0x0E48, 0x0E4C)) if rng.random() < 0.3 else "")
                for _ in range(rng.randrange(2, 10))
            )
        elif kind == 5:  # Cyrillic mixed case
            w = "".join(chr(rng.randrange(0x0410, 0x0450)) for _ in range(rng.randrange(2, 12)))
        elif kind == 6:  # Hiragana/Katakana
            w = "".join(chr(rng.randrange(0x3041, 0x30FF)) for _ in range(rng.randrange(2, 8)))
        elif kind == 7:  # Greek with polytonic
            w = "".join(chr(rng.choice([rng.randrange(0x03B1, 0x03CA), rng.randrange(0x1F00, 0x1FBC)])) for _ in range(rng.randrange(2, 9)))
        else:  # Hebrew with points
            w = "".join(
                chr(rng.randrange(0x05D0, 0x05EB)) + (chr(rng.randrange(0x05B0, 0x05BD)) if rng.random() < 0.4 else "")
                for _ in range(rng.randrange(2, 7))
            )
        out.append(w)
        out.append(rng.choice([" ", " ", " ", "", "\u3000", "\n", "\u060c ", "\u0964 ", "\u3002", ", "]))
    return "".join(out)


def _emoji_text(rng: random.Random, n: int) -> str:
    out = []
    tones = ["", "\U0001f3fb", "\U0001f3fc", "\U0001f3fd", "\U0001f3fe", "\U0001f3ff"]
    for _ in range(n):
        r = rng.random()
        if r < 0.35:
            e = rng.choice(EMOJI)
        elif r < 0.55:  # random person + tone + optional ZWJ profession
            e = chr(rng.choice([0x1F466, 0x1F467, 0x1F468, 0x1F469, 0x1F9D1, 0x1F44B, 0x270B, 0x1F596]))
            e += rng.choice(tones)
            if rng.random() < 0.5:
                e += "\u200d" + chr(rng.choice([0x1F373, 0x1F393, 0x1F3A4, 0x1F4BB, 0x1F527, 0x1F680, 0x2695])) + rng.choice(["", "\ufe0f"])
        elif r < 0.65:  # random regional indicator pairs (valid and invalid flags)
            e = "".join(chr(0x1F1E6 + rng.randrange(26)) for _ in range(rng.choice([1, 2, 2, 3, 4])))
        elif r < 0.8:
            e = chr(rng.randrange(0x1F300, 0x1FAFF)) + rng.choice(["", "", "\ufe0f", "\ufe0e", "\u200d"])
        else:
            e = rng.choice(ENGLISH_WORDS)
        out.append(e)
        out.append(rng.choice(["", "", " ", " ", "\n", "!", ", "]))
    return "".join(out)


def _combining_text(rng: random.Random, n: int) -> str:
    mn = [cp for cp in category_pools()["Mn"] if cp < 0x2000] + list(range(0x0300, 0x0370)) * 3
    me = category_pools()["Me"]
    mc = category_pools()["Mc"]
    out = []
    for _ in range(n):
        r = rng.random()
        base = rng.choice(["a", "e", "Z", "o", "i", "1", " ", "'", "-", "\u0915", "\u0627", "x", "\u3042", "\n", "."])
        if r < 0.4:
            marks = "".join(chr(rng.choice(mn)) for _ in range(rng.randrange(1, 12)))  # zalgo-ish
        elif r < 0.5:
            marks = chr(rng.choice(me))
        elif r < 0.6:
            marks = chr(rng.choice(mc))
        elif r < 0.8:
            word = rng.choice(ENGLISH_WORDS) + rng.choice(["", "'s", "'T"])
            base = unicodedata.normalize("NFD", rng.choice(["café", "naïve", "Ångström", "résumé", "Việt", "über", "São"])) + word
            marks = ""
        else:
            marks = "".join(chr(rng.choice(mn)) for _ in range(rng.randrange(1, 3)))
            base = ""  # leading marks with no base
        out.append(base + marks)
        out.append(rng.choice(["", " ", " ", "\n"]))
    return "".join(out)


def _digits_text(rng: random.Random, n: int) -> str:
    nd = category_pools()["Nd"]
    nl = category_pools()["Nl"]
    no = category_pools()["No"]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.2:
            s = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 40)))
        elif r < 0.3:
            s = "{:,}".format(rng.randrange(10**12)) + rng.choice(["", ".5", ".00", "%", "e-9", "E+10"])
        elif r < 0.4:
            s = "%d.%d.%d.%d" % tuple(rng.randrange(256) for _ in range(4))
        elif r < 0.5:
            s = "".join(chr(rng.choice(nd)) for _ in range(rng.randrange(1, 12)))
        elif r < 0.55:
            s = "".join(chr(rng.choice(nl)) for _ in range(rng.randrange(1, 6)))
        elif r < 0.62:
            s = "".join(chr(rng.choice(no)) for _ in range(rng.randrange(1, 6)))
        elif r < 0.7:
            s = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (
                rng.randrange(1970, 2100), rng.randrange(1, 13), rng.randrange(1, 29),
                rng.randrange(24), rng.randrange(60), rng.randrange(60), rng.randrange(1000))
        elif r < 0.78:
            s = rng.choice(["v", "x", "ID", "No.", "#", "$", "€", "£", "¥", "-", "+", "0x", "0b", "a1b2"]) + str(rng.randrange(10**rng.randrange(1, 15)))
        elif r < 0.85:
            s = str(rng.randrange(10**6)) + rng.choice(["th", "st", "px", "kg", "ms", "'s", "'S", "ºC", "½", "²"])
        else:
            s = "".join(rng.choice(["1", "2", "3", "٣", "३", "๓", "３", "𝟑", "Ⅲ", "③", "¾", "²"]) for _ in range(rng.randrange(2, 9)))
        out.append(s)
        out.append(rng.choice([" ", " ", "", "\n", ", ", "/", "-", "."]))
    return "".join(out)


def _whitespace_text(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.35:
            ws = "".join(rng.choice(UNICODE_SPACES) for _ in range(rng.randrange(1, 8)))
        elif r < 0.5:
            ws = rng.choice(UNICODE_SPACES) * rng.randrange(1, 40)
        elif r < 0.6:
            ws = rng.choice(["\n", "\r\n", "\r", "\n\n", " \n", "\t\n", "\n\t", "\n ", " \r\n "]) * rng.randrange(1, 6)
        else:
            ws = rng.choice([" ", " ", " ", "  ", "\t", "\n"])
        w = rng.choice(ENGLISH_WORDS + ["x", "1", "22", ".", "!", "'s", "'T", "\u4e2d", "\u0627\u0644", "\u00e9", "(", "-", "\U0001f600", "\u0301"])
        out.append(w)
        out.append(ws)
    return "".join(out)


def _punct_text(rng: random.Random, n: int) -> str:
    punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    uni = "¡¿«»‹›“”‘’„‚–—…•·§¶†‡‰′″‴※‼⁇⁈⁉、。〈〉《》「」『』【】〔〕・！？＂＃＄％＆（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～"
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            s = "".join(rng.choice(punct) for _ in range(rng.randrange(1, 12)))
        elif r < 0.4:
            s = "".join(rng.choice(uni) for _ in range(rng.randrange(1, 8)))
        elif r < 0.5:
            s = rng.choice(punct) * rng.randrange(2, 30)
        elif r < 0.65:
            s = "".join(rng.choice(punct)) + rng.choice(["/", "//", "\n", "\r\n", "/\n", "\r/", "\n/\n", "///"]) * rng.randrange(1, 4)
        elif r < 0.8:
            scheme = rng.choice(["https://", "http://", "ftp://", "file:///", "s3://", "git@github.com:", ""])
            host = rng.choice(["example.com", "sub.domain.co.uk", "127.0.0.1:8080", "[::1]", "xn--bcher-kva.de", "localhost"])
            path = "/".join(rng.choice(IDENT_WORDS + ["%20", "~user", "a.b", "..", "."]) for _ in range(rng.randrange(0, 6)))
            q = rng.choice(["", "?q=1", "?a=b&c=d#frag", "#L10-L20", "?x=%E2%9C%93"])
            s = scheme + host + "/" + path + q
        elif r < 0.9:
            s = rng.choice(["/usr/local/lib/python3.11/site-packages/", "C:\\Windows\\System32\\drivers\\etc\\hosts",
                            "../../etc/passwd", "./a/b/c/", "~/.config/", "\\\\server\\share\\", "/", "//", "a/b", "/*", "*/", "/**/"])
        else:
            s = rng.choice(["-->", "<!--", "=>", "->", "::", "...", "?.", "??=", "!==", "<=>", ":-)", ";-)", "¯\\_(ツ)_/¯", "(╯°□°)╯︵ ┻━┻"])
        out.append(s)
        out.append(rng.choice([" ", "", "", "\n", " ", "\t"]))
        if rng.random() < 0.3:
            out.append(rng.choice(ENGLISH_WORDS) + rng.choice([" ", ""]))
    return "".join(out)


def _control_text(rng: random.Random, n: int) -> str:
    cc = [c for c in range(0x20)] + [0x7F] + list(range(0x80, 0xA0))
    cf = category_pools()["Cf"]
    co = [0xE000, 0xE001, 0xF8FF, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD] + [rng.randrange(0xE000, 0xF900) for _ in range(20)]
    nonchar = [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x1FFFF, 0x10FFFE, 0x10FFFF]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            s = "".join(chr(rng.choice(cc)) for _ in range(rng.randrange(1, 5)))
        elif r < 0.5:
            s = "".join(chr(rng.choice(cf)) for _ in range(rng.randrange(1, 4)))
        elif r < 0.6:
            s = "".join(chr(rng.choice(co)) for _ in range(rng.randrange(1, 4)))
        elif r < 0.65:
            s = chr(rng.choice(nonchar))
        elif r < 0.7:
            s = "\x00" * rng.randrange(1, 5)
        else:
            s = rng.choice(ENGLISH_WORDS + ["'s", "'LL", "12", "!!"])
        out.append(s)
        out.append(rng.choice(["", " ", "", "\n"]))
    return "".join(out)


def _category_run_text(rng: random.Random, cats: List[str], n_runs: int, max_run: int = 4) -> str:
    pools = category_pools()
    out = []
    for _ in range(n_runs):
        cat = rng.choice(cats)
        k = rng.randrange(1, max_run + 1)
        out.append("".join(chr(rng.choice(pools[cat])) for _ in range(k)))
        r = rng.random()
        if r < 0.1:
            out.append(" ")
        elif r < 0.15:
            out.append("'" + rng.choice(["s", "S", "t", "re", "RE", "ll", "d", "m", "ve", "x"]))
        elif r < 0.18:
            out.append(rng.choice(["\n", "\r\n", "/", " /", "\t", "  "]))
        elif r < 0.21:
            out.append(rng.choice(["a", "B", "1", "12345", ".", "-"]))
    return "".join(out)


def _surrogate_cases() -> List[Case]:
    return [
        ("control", "lone_high", "a\ud800b"),
        ("control", "lone_low", "a\udc00b"),
        ("control", "lone_high_end", "abc\udbff"),
        ("control", "lone_low_start", "\udfffabc"),
        ("control", "reversed_pair", "x\udc00\ud800y"),
        ("control", "pair_as_surrogates", "x\ud83d\ude00y"),
        ("control", "many_lone", "\ud800\ud800\ud800 \udc00 's\ud801'S"),
        ("control", "lone_in_word", "hello\ud83dworld it\udc00's"),
        ("control", "lone_with_space", "   \ud800   \udc00\n\n\ud800"),
        ("control", "lone_and_emoji", "\U0001f600\ud83d\U0001f600\ude00"),
        ("control", "lone_digits", "123\ud8004567\udc0089"),
        ("control", "lone_only", "\ud800"),
    ]


# --------------------------------------------------------------------------------------
# Case list
# --------------------------------------------------------------------------------------


def generate_cases(seed: int = SEED) -> List[Case]:
    """Return all ``(category, name, text)`` cases; same seed, same cases."""
    rng = random.Random(seed)
    cases: List[Case] = []

    def add(cat: str, name: str, text: str) -> None:
        cases.append((cat, name, text))

    # Trivial and tiny cases.
    for i, t in enumerate(["", " ", "a", "\n", "hello world", "Hello, World!", "  leading", "trailing  ",
                           "\n\n", " \n ", "a\r\nb", "'", "'s", "1", "12", "123", "1234", "<|end|>",
                           "\x00", "\t\t", "\u00a0", "\u3000", "!", "ab  cd", "ab \ncd", "ab\n  cd"]):
        add("tiny", "t%02d" % i, t)

    # Source code.
    for lang, tpl in CODE_SAMPLES.items():
        for k in range(8):
            add("code", "%s_%d" % (lang, k), _code_variant(rng, _fill_code(rng, tpl)))
        blob = "".join(_code_variant(rng, _fill_code(rng, tpl)) for _ in range(6))
        add("code", "%s_concat" % lang, blob)

    # English prose.
    for k in range(40):
        add("prose", "prose_%02d" % k, _prose(rng, rng.choice([500, 2000, 5000, 8000])))

    # Multilingual.
    for lang in MULTILINGUAL:
        for k, s in enumerate(MULTILINGUAL[lang]):
            add("multilingual", "%s_s%d" % (lang, k), s)
        for k in range(3):
            add("multilingual", "%s_mix%d" % (lang, k), _multilingual(rng, lang, rng.choice([400, 1200, 2500])))
    for k in range(16):
        add("multilingual", "soup_%02d" % k, _script_soup(rng, 400))
    for k in range(6):
        langs = list(MULTILINGUAL)
        add("multilingual", "allmix_%d" % k, "".join(_multilingual(rng, rng.choice(langs), 200) for _ in range(20)))

    # Emoji.
    for k, e in enumerate(EMOJI):
        add("emoji", "single_%02d" % k, e)
        add("emoji", "ctx_%02d" % k, "x" + e + "y " + e + e + " " + e + "'s " + e + "\n" + e + "1")
    for k in range(12):
        add("emoji", "mix_%02d" % k, _emoji_text(rng, 500))

    # Combining marks.
    for k in range(10):
        add("combining", "mix_%02d" % k, _combining_text(rng, 400))
    add("combining", "zalgo_long", "Z" + "".join(chr(0x0300 + (i * 7) % 0x70) for i in range(3000)) + "algo")
    add("combining", "marks_only", "".join(chr(0x0300 + i % 0x70) for i in range(500)))
    add("combining", "enclosing", "1\u20e3 a\u20dd \u20de\u20df\u20e0 x\u0488\u0489 '\u20e3s")

    # Digits and numbers.
    for k in range(12):
        add("digits", "mix_%02d" % k, _digits_text(rng, 400))
    for n in [1, 2, 3, 4, 5, 6, 7, 9, 10, 100, 1000, 9999, 20000]:
        add("digits", "run_%d" % n, "".join(rng.choice("0123456789") for _ in range(n)))
    add("digits", "run_ar_indic", "".join(chr(0x0660 + rng.randrange(10)) for _ in range(3001)))
    add("digits", "run_mixed_scripts", "".join(chr(rng.choice(category_pools()["Nd"])) for _ in range(2000)))
    add("digits", "digits_letters", "".join(rng.choice(["1", "22", "333", "a", "B", "'s", " "]) for _ in range(5000)))

    # Whitespace.
    for k, sp in enumerate(UNICODE_SPACES):
        add("whitespace", "kind_%02d" % k, "a" + sp + "b" + sp * 2 + "c" + sp * 3 + "\n" + sp + "d" + sp + "'s" + sp + "1" + sp + "!" + sp)
        add("whitespace", "trail_%02d" % k, "word" + sp * 5)
        add("whitespace", "lead_%02d" % k, sp * 5 + "word")
    for k in range(12):
        add("whitespace", "mix_%02d" % k, _whitespace_text(rng, 500))
    for n in [1, 2, 3, 10, 100, 1000, 20000]:
        add("whitespace", "spaces_%d" % n, " " * n + "x" + " " * n)
        add("whitespace", "newlines_%d" % n, "\n" * min(n, 5000) + "x" + "\r\n" * min(n, 5000))
        add("whitespace", "tabs_%d" % n, "x" + "\t" * n + "y")
    add("whitespace", "mixed_run", "".join(rng.choice(UNICODE_SPACES[:26]) for _ in range(8000)) + "end")

    # Contractions and apostrophes.
    for k, c in enumerate(CONTRACTIONS):
        add("contractions", "c%02d" % k, c)
    for k, ap in enumerate(APOSTROPHES):
        add("contractions", "ap%02d" % k, " ".join(c.replace("'", ap) for c in CONTRACTIONS))
    for k in range(8):
        words = []
        for _ in range(800):
            w = rng.choice(CONTRACTIONS)
            if rng.random() < 0.3:
                w = "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in w)
            words.append(w.replace("'", rng.choice(APOSTROPHES[:4] + ["'"] * 6)))
        add("contractions", "mix_%02d" % k, rng.choice([" ", "", "\n"]).join(words))

    # Special-token look-alikes.
    for k, s in enumerate(SPECIAL_LIKE):
        add("special_like", "s%02d" % k, s)
        add("special_like", "ctx%02d" % k, "text" + s + "more " + s + "\n" + s + s)
    for k in range(6):
        add("special_like", "mix_%d" % k, "".join(rng.choice(SPECIAL_LIKE) + rng.choice(["", " ", "hi", "\n", "analysis"]) for _ in range(300)))
    add("special_like", "reserved_all", "".join("<|reserved_%d|>" % i for i in range(200000, 201100)))

    # Punctuation, URLs and paths.
    for k in range(12):
        add("punct", "mix_%02d" % k, _punct_text(rng, 500))
    add("punct", "long_run", "".join(rng.choice("!\"#$%&()*+,-.:;<=>?@[\\]^_`{|}~") for _ in range(20000)))
    add("punct", "slashes", "/" * 5000 + "a" + "/\n" * 2000)

    # Control characters, formats, private use, lone surrogates.
    for k in range(8):
        add("control", "mix_%02d" % k, _control_text(rng, 600))
    add("control", "all_c0_c1", "".join(chr(c) for c in list(range(0x20)) + [0x7F] + list(range(0x80, 0xA0))) * 20)
    add("control", "nul_run", "a\x00b" + "\x00" * 3000 + "c")
    cases.extend(_surrogate_cases())

    # Very long pieces.
    add("long", "aaaa", "a" * 20000)
    add("long", "aaaa_spaced", ("a" * 5000 + " ") * 4)
    add("long", "mixed_case_word", "".join(rng.choice("aAbBcCdDeEzZ") for _ in range(15000)))
    add("long", "upper_word", "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(10000)))
    b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    add("long", "base64", "".join(rng.choice(b64) for _ in range(30000)) + "==")
    add("long", "hex", "".join(rng.choice("0123456789abcdef") for _ in range(15000)))
    add("long", "cjk_run", "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(8000)))
    add("long", "hangul_run", "".join(chr(rng.randrange(0xAC00, 0xD7A4)) for _ in range(5000)))
    add("long", "thai_run", _multilingual(rng, "th", 8000).replace(" ", "").replace("\n", ""))
    add("long", "emoji_run", "".join(rng.choice(EMOJI) for _ in range(2000)))
    add("long", "letters_marks", "".join(rng.choice("aeiou") + chr(rng.randrange(0x0300, 0x0370)) for _ in range(8000)))
    add("long", "word_repeat", "antidisestablishmentarianism" * 500)
    add("long", "german_compound", "Donaudampfschifffahrtsgesellschaftskapitänswitwe" * 200)
    add("long", "random_bytes_latin1", "".join(chr(rng.randrange(0xA1, 0x100)) for _ in range(10000)))

    # Every general category alone, and with every other one.
    pools = category_pools()
    for cat in CATEGORY_NAMES:
        add("unicode_classes", "only_%s" % cat, _random_from(rng, pools[cat], 600))
        add("unicode_classes", "spaced_%s" % cat, " ".join(_random_from(rng, pools[cat], rng.randrange(1, 4)) for _ in range(250)))
    for a in CATEGORY_NAMES:
        parts = []
        for b in CATEGORY_NAMES:
            for _ in range(4):
                parts.append(_random_from(rng, pools[a], rng.randrange(1, 3)) + _random_from(rng, pools[b], rng.randrange(1, 3)))
                parts.append(rng.choice(["", "", " ", "'s", "'T", "\n", "x", "1"]))
        add("unicode_classes", "pairs_%s" % a, "".join(parts))
    for k in range(40):
        add("unicode_classes", "runs_%02d" % k, _category_run_text(rng, CATEGORY_NAMES, 300))
    regexy = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Zs", "Cc", "Po", "Sk", "Cf"]
    for k in range(30):
        add("unicode_classes", "letters_marks_%02d" % k, _category_run_text(rng, regexy, 300, 3))

    # Recently assigned code points (Unicode 15.0+).
    for label, lo, hi in NEW_ASSIGNMENTS:
        chars = [chr(c) for c in range(lo, hi + 1)]
        tag = label.replace(" ", "_").replace(".", "_")
        add("unicode_new", tag + "_all", "".join(chars))
        ctx = []
        for ch in chars:
            ctx.append("x" + ch + "y " + ch + "'s " + ch + "1 " + "A" + ch + ch + "b\n")
        add("unicode_new", tag + "_ctx", "".join(ctx))

    # Every Unicode 17.0 letter/mark/number in a context where its class shows in the tokens.
    probe = []
    for lo, hi in NEW_IN_17_LMN:
        for cp in range(lo, hi + 1):
            probe.append("x" + chr(cp) + "'s\n")
    add("unicode_new", "u17_lmn_probe", "".join(probe))

    # Mixtures of everything, so boundaries between kinds get exercised.
    makers: List[Callable[[], str]] = [
        lambda: _paragraph(rng),
        lambda: _fill_code(rng, rng.choice(list(CODE_SAMPLES.values())))[: rng.randrange(50, 600)],
        lambda: _script_soup(rng, 20),
        lambda: _emoji_text(rng, 15),
        lambda: _digits_text(rng, 15),
        lambda: _whitespace_text(rng, 15),
        lambda: _punct_text(rng, 15),
        lambda: _control_text(rng, 10),
        lambda: _category_run_text(rng, CATEGORY_NAMES, 20),
        lambda: rng.choice(SPECIAL_LIKE),
        lambda: rng.choice(CONTRACTIONS),
    ]
    for k in range(20):
        add("mixed", "mix_%02d" % k, "".join(rng.choice(makers)() for _ in range(30)))

    return cases


if __name__ == "__main__":  # pragma: no cover - quick size report
    cs = generate_cases()
    total = sum(len(t.encode("utf-8", "surrogatepass")) for _, _, t in cs)
    by: Dict[str, int] = {}
    for c, _, t in cs:
        by[c] = by.get(c, 0) + len(t.encode("utf-8", "surrogatepass"))
    print(len(cs), "cases,", total, "bytes")
    for c, n in sorted(by.items()):
        print("  %-16s %8d" % (c, n))
