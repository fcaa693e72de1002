"""Checks for the benchmark harness itself (no timings): ``python3 -m pytest benchmarks``."""

import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import corpus  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402


def test_corpus_is_deterministic_and_mixed():
    docs = corpus.documents(200_000, seed=1)
    assert docs == corpus.documents(200_000, seed=1)
    assert docs != corpus.documents(200_000, seed=2)
    text = "".join(docs)
    assert len(text.encode("utf-8")) >= 200_000
    for needle in ("def ", "```js", "我们", "Москва", "👩‍💻", "GET https://"):
        assert needle in text, needle


def test_mixed_text_and_pathological_sizes():
    s = corpus.mixed_text(10_000, seed=3)
    assert 9_990 <= len(s.encode("utf-8")) <= 10_000
    for kind in corpus.PATHOLOGICAL_KINDS:
        p = corpus.pathological_text(kind, 5_000, seed=4)
        assert 4_936 <= len(p) <= 5_000 and p.isascii()
    assert corpus.pathological_text("spaces", 1000, 0).strip(" ") == ""


def test_corpus_digest_is_stable():
    # The same seed must give byte-identical input in every interpreter the runner uses.
    digest = hashlib.sha256("".join(corpus.documents(50_000, seed=7)).encode()).hexdigest()
    assert digest == hashlib.sha256("".join(corpus.documents(50_000, seed=7)).encode()).hexdigest()


def _fake_results():
    plan, cfg = run.build_plan(quick=True)
    contenders = [run.Contender(k, k, sys.executable, "tiktoken" if k == "tiktoken" else "harmony", {})
                  for k in run.CONTENDER_KEYS]
    runner = run.Runner(plan[:2], cfg, contenders, "/nonexistent")
    for rnd, (ours, ref) in enumerate([(3.0, 2.0), (6.0, 2.0), (2.0, 2.0)]):
        for key, v in (("compiled", ours), ("pure", 1.0), ("official", 1.5), ("tiktoken", ref)):
            res = {"ok": True, "seconds": 1.0 / v, "units": 1.0, "digest": "d", "input_digest": "i"}
            runner._record(plan[0], contenders[run.CONTENDER_KEYS.index(key)], rnd, res)
    runner._record(plan[1], contenders[0], 0, {"ok": False, "error": "boom | pipe"})
    meta = {"date": "2026-01-01 00:00 UTC", "mode": "quick", "rounds": 3, "machine": {"cpu_count": 2},
            "warnings": []}
    return runner.results(meta)


def test_paired_ratio_and_verdicts():
    res = _fake_results()
    enc = res["workloads"][0]
    assert enc["median"]["compiled"] == 3.0
    assert enc["ratios"]["compiled"] == 1.5  # median of 1.5, 3.0, 1.0
    assert enc["verdicts"] == {"compiled": "PASS", "pure": "PASS"}  # 0.5 >= 0.3
    assert res["workloads"][1]["status"]["compiled"] == "error"


def test_tables_render():
    res = _fake_results()
    text = report.format_text(res)
    md = report.format_markdown(res)
    assert "1.50x PASS" in text and "n/a [1]" in text and "boom | pipe" in text
    assert "| encode, 1 MB mixed text | MB/s |" in md and "boom \\| pipe" in md


def test_scaling_skip_only_affects_bigger_sizes():
    plan, cfg = run.build_plan(quick=False)
    rows = [w for w in plan if w.id.startswith("patho_letters_")]
    small, mid = rows[0], rows[1]
    c = run.Contender("official", "official", sys.executable, "harmony", {})
    runner = run.Runner(rows, cfg, [c], "/nonexistent")
    # 100 KB took 3 s per call: quadratic growth projects 300 s at 1 MB, over the timeout.
    runner._record(small, c, 0, {"ok": True, "seconds": 0.03 * 100, "units": 1.0, "extra": {"calls": 100}})
    runner._update_scaling_skip(small, c, {"ok": True, "seconds": 3.0, "extra": {"calls": 100}})
    assert runner._scaling_skip(mid, c) is None
    res = {"ok": True, "seconds": 30.0, "units": 1.0, "extra": {"calls": 10}}
    runner._record(mid, c, 0, res)
    runner._update_scaling_skip(mid, c, res)
    assert runner._scaling_skip(small, c) is None and runner._scaling_skip(mid, c) is None
    assert runner._scaling_skip(rows[2], c).startswith("skipped: projected")


def test_mismatch_against_official_is_flagged():
    plan, cfg = run.build_plan(quick=True)
    w = plan[0]
    cs = {k: run.Contender(k, k, sys.executable, "tiktoken" if k == "tiktoken" else "harmony", {})
          for k in run.CONTENDER_KEYS}
    runner = run.Runner([w], cfg, list(cs.values()), "/nonexistent")
    for key, digest in (("official", "a"), ("tiktoken", "a"), ("compiled", "b"), ("pure", "a")):
        runner._record(w, cs[key], 0, {"ok": True, "seconds": 1.0, "units": 1.0, "digest": digest,
                                       "input_digest": "x"})
    res = runner.results({"date": "d", "mode": "quick", "rounds": 1, "machine": {}, "warnings": []})
    assert res["workloads"][0]["mismatch"] == {"compiled": "output differs from official's (round 1)"}
    assert " !" in report.format_text(res)


def test_fresh_corpus_is_deterministic_and_new_every_seed():
    import fresh_corpus

    for cat in fresh_corpus.CATEGORIES:
        docs = fresh_corpus.category_documents(cat, 50_000, 1)
        assert docs == fresh_corpus.category_documents(cat, 50_000, 1)
        assert len("".join(docs).encode("utf-8")) >= 50_000
        other = set(fresh_corpus.category_documents(cat, 50_000, 2))
        assert not other & set(docs), cat  # no document repeats across rounds
    ml = "".join(fresh_corpus.category_documents("multilingual", 50_000, 3))
    for lo, hi in [(0x4E00, 0x9FFF), (0x3041, 0x3093), (0x0E01, 0x0E4B), (0xAC00, 0xD7A3), (0x0430, 0x044F)]:
        assert any(lo <= ord(ch) <= hi for ch in ml), hex(lo)


def test_fresh_summary_and_report():
    import fresh

    def enc(mb: float, cpu: float) -> dict:
        return {"mb": mb, "cpu": cpu}

    results = {
        "encode": {k: {c: [enc(1.0, s)] for c in fresh.CATS} for k, s in (("compiled", 0.05), ("fastokens", 0.025), ("tiktoken", 0.1))},
        "batch": {"compiled": {1: [{"mb": 1.0, "wall": 0.1}], 2: [{"mb": 1.0, "wall": 0.06}]}},
        "render": {"compiled": [{"tokens": 800, "cpu": 1.0, "raw_tokens": 1000, "raw_cpu": 1.0}]},
        "patho": {"letters 10 KB": {"compiled": {"mb": 0.2, "cpu": 0.02}, "tiktoken": {"mb": 0.2, "cpu": 0.04}}},
    }
    rep = fresh.summarize(results, {"splintr": "encode code: tokens differ from tiktoken's"}, {})
    goals = rep["goals"]
    assert round(goals["compiled/fastokens all"], 3) == 0.5
    assert round(goals["compiled/tiktoken code"], 3) == 2.0
    assert round(goals["encode_batch 2 threads / 1 thread (wall)"], 3) == round(0.1 / 0.06, 3)
    assert round(goals["render/raw encode, compiled"], 3) == 0.8
    assert round(goals["patho letters 10 KB: tiktoken time / compiled time"], 3) == 2.0
    rep.update(rounds=1, bytes_per_category=1000, load_start=(1.0, 1.0, 1.0), load_end=(1.0, 1.0, 1.0), seconds=1.0)
    text = fresh.format_report(rep, markdown=True)
    assert "| compiled/fastokens all | 0.50 |" in text and "Excluded (not token-exact): splintr" in text
