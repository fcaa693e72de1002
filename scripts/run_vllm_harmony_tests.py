#!/usr/bin/env python3
"""Run vLLM's harmony unit tests against this package and against openai-harmony 0.0.8.

Drop-in compatibility is judged by a real client: vLLM's own tests that exercise its
gpt-oss/Harmony code (chat and Responses API input conversion, output parsing, streaming,
render parity).  The same test files run three times in one scratch virtualenv:

* ``official``: the openai-harmony 0.0.8 wheel installed in the venv;
* ``compiled``: this package (its ``openai_harmony`` directory put ahead of site-packages);
* ``pure``: this package with ``OPENAI_HARMONY_NO_EXTENSIONS=1``.

and the per-test outcomes are compared.  Exit status 0 means every side had the same
pass/fail set as the official package.

Nothing from vLLM is committed: the script installs vLLM's wheel with ``--no-deps`` beside
the CPU build of torch (vLLM 0.30.0 pins torch 2.13.0, whose CPU wheel pip finds on this
machine's disk) and the pure-Python dependencies, and takes vLLM's tests from the sdist of
the same release (its commit id is checked against the wheel's).  Tests that need the
gpt-oss tokenizer get a stand-in built from the o200k_base vocabulary plus the Harmony
special tokens (same ids as gpt-oss), written into a private Hugging Face cache, so the
runs are offline (``HF_HUB_OFFLINE=1``) and need no weights.

Usage (the first run installs ~2 GB into the venv and takes several minutes)::

    python scripts/run_vllm_harmony_tests.py --venv /work/venvs/vllm \
        --workdir /tmp/vllm-harness [--package .] [--sides official,compiled,pure]

This is too heavy for ``.ci/run``; run it by hand when the data model or parser changes.
Measured on 2026-11-30 (2 loaded cores): 487 tests, each side 404 passed, 12 failed,
64 errors, 7 skipped/xfailed, the same set on all three sides; every failure and error is
the environment's (no weights, no GPU server, no gpt2 tokenizer, no network, no `gpt_oss`
package) and carries the same message on all sides.  About 2 minutes a side once set up.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

VLLM_VERSION = "0.30.0"
OFFICIAL_SPEC = "openai-harmony==0.0.8"
TORCH_SPEC = "torch==2.13.0"
STANDIN_MODEL = "openai/gpt-oss-20b"
STANDIN_REVISION = "0" * 40
GPT2_ALIASES = ("openai-community/gpt2", "gpt2")

#: vLLM's unit tests that import openai_harmony or drive its gpt-oss/Harmony code paths
#: without a GPU server (paths inside vLLM's source tree, release 0.30.0).
TEST_FILES = [
    "tests/parser/test_harmony.py",
    "tests/entrypoints/unit_tests/test_context.py",
    "tests/entrypoints/openai/parser/test_harmony_render_parity.py",
    "tests/entrypoints/openai/parser/test_harmony_utils.py",
    "tests/entrypoints/openai/test_render_parity.py",
    "tests/entrypoints/openai/test_stop_token_ids.py",
    "tests/entrypoints/openai/chat_completion/test_serving_chat.py",
    "tests/entrypoints/openai/responses/test_protocol.py",
    "tests/entrypoints/openai/responses/test_streaming_events.py",
    "tests/entrypoints/openai/responses/test_response_input_to_harmony.py",
    "tests/entrypoints/openai/responses/test_harmony_utils.py",
    "tests/entrypoints/openai/responses/test_serving_responses.py",
    "tests/entrypoints/openai/responses/test_function_call_parsing.py",
    "tests/entrypoints/openai/responses/test_parsable_context.py",
    "tests/entrypoints/openai/responses/test_parsable_context_unit.py",
    "tests/reasoning/test_gptoss_reasoning_parser.py",
    "tests/entrypoints/scale_out/derender/test_derender.py",
    "tests/tool_use/test_muse_glimmer_parse_delta.py",
]

#: vLLM requirements that are GPU-only or would pull a CUDA torch; the CPU torch is
#: installed explicitly and the official harmony pinned to the release we compare with.
SKIPPED_REQUIREMENTS = re.compile(
    r"^(torch|torchaudio|torchvision|torchcodec|pynvvideocodec|flashinfer-python|"
    r"apache-tvm-ffi|tilelang|nvidia-.*|nvtx|fastsafetensors|instanttensor|"
    r"quack-kernels|tokenspeed-mla|humming-kernels|openai-harmony|oss-harmony)$"
)
TEST_REQUIREMENTS = ["pytest", "pytest-asyncio", "pytest-timeout", "pytest-mock", "tblib",
                     "Cython>=3", "setuptools"]

#: gpt-oss's named special tokens (the rest of 199998..201087 are <|reserved_N|>).
NAMED_SPECIALS = {
    199998: "<|startoftext|>",
    199999: "<|endoftext|>",
    200002: "<|return|>",
    200003: "<|constrain|>",
    200005: "<|channel|>",
    200006: "<|start|>",
    200007: "<|end|>",
    200008: "<|message|>",
    200012: "<|call|>",
    200018: "<|endofprompt|>",
}
VOCAB_SIZE = 201088

PYTEST_INI = """[pytest]
markers =
    slow_test
    skip_global_cleanup
    core_model
    hybrid_model
    cpu_model
    cpu_test
    split
    distributed
    optional
"""


def log(msg: str) -> None:
    """Print a progress line to stderr."""
    print(f"[vllm-harness] {msg}", file=sys.stderr, flush=True)


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run a command, echoing it, failing loudly."""
    log("$ " + " ".join(cmd))
    return subprocess.run(cmd, check=True, **kw)  # type: ignore[call-overload]


def venv_python(venv: str) -> str:
    """Path of the venv's interpreter."""
    return os.path.join(venv, "bin", "python")


def installed_version(py: str, dist: str) -> str | None:
    """Version of *dist* installed for interpreter *py*, or None."""
    code = ("import importlib.metadata as m,sys\n"
            "try: print(m.version(sys.argv[1]))\nexcept m.PackageNotFoundError: pass")
    out = subprocess.run([py, "-c", code, dist], capture_output=True, text=True, check=False).stdout.strip()
    return out or None


def vllm_wheel(workdir: str, py: str) -> str:
    """Download (once) the vLLM wheel of VLLM_VERSION; return its path."""
    wheels = os.path.join(workdir, "wheels")
    found = glob.glob(os.path.join(wheels, f"vllm-{VLLM_VERSION}-*.whl"))
    if not found:
        run([py, "-m", "pip", "download", "-q", "--no-deps", "-d", wheels, f"vllm=={VLLM_VERSION}"])
        found = glob.glob(os.path.join(wheels, f"vllm-{VLLM_VERSION}-*.whl"))
    return found[0]


def wheel_requirements(wheel: str) -> list[str]:
    """The wheel's unconditional requirements minus the GPU-only ones."""
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        text = zf.read(meta).decode()
    reqs = []
    for line in text.splitlines():
        if not line.startswith("Requires-Dist: ") or "extra ==" in line:
            continue
        req = line[len("Requires-Dist: "):]
        name = re.split(r"[\s\[<>=!~;]", req, maxsplit=1)[0].lower()
        if not SKIPPED_REQUIREMENTS.match(name):
            reqs.append(req)
    return reqs


def ensure_venv(venv: str, workdir: str) -> str:
    """Create/complete the scratch venv: CPU torch, vLLM --no-deps, its pure deps, 0.0.8."""
    py = venv_python(venv)
    if not os.path.exists(py):
        run([sys.executable, "-m", "venv", venv])
    if installed_version(py, "vllm") == VLLM_VERSION and installed_version(py, "openai-harmony") == "0.0.8":
        return py
    # torch first and alone: pip takes the CPU wheel of this exact release from disk;
    # anything later that asks for torch is then already satisfied.
    run([py, "-m", "pip", "install", "-q", TORCH_SPEC])
    wheel = vllm_wheel(workdir, py)
    reqs = wheel_requirements(wheel) + [OFFICIAL_SPEC, TORCH_SPEC] + TEST_REQUIREMENTS
    req_file = os.path.join(workdir, "vllm-requirements.txt")
    with open(req_file, "w") as fh:
        fh.write("\n".join(reqs) + "\n")
    run([py, "-m", "pip", "install", "-q", "-r", req_file])
    run([py, "-m", "pip", "install", "-q", "--no-deps", wheel])
    return py


def wheel_commit(py: str) -> str:
    """Commit id recorded in the installed vLLM."""
    code = "import vllm._version as v; print(v.commit_id)"
    env = dict(os.environ, VLLM_TARGET_DEVICE="cpu")
    return subprocess.run([py, "-c", code], capture_output=True, text=True, env=env, check=False).stdout.strip()


def ensure_vllm_src(workdir: str, py: str, given: str | None) -> str:
    """vLLM's source tree of VLLM_VERSION (for its tests), from --vllm-src or the sdist."""
    src = given or os.path.join(workdir, f"vllm-src-{VLLM_VERSION}")
    if not os.path.isdir(os.path.join(src, "tests")):
        if given:
            sys.exit(f"--vllm-src {given}: no tests/ directory there")
        # The sdist holds the tests; pip downloads and unpacks it, then fails to build its
        # metadata (that needs the CUDA toolchain), so keep pip's unpacked tree.
        tmp = os.path.join(workdir, "tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp)
        subprocess.run(
            [py, "-m", "pip", "download", "-q", "--no-clean", "--no-deps", "--no-binary", ":all:",
             "--no-build-isolation", "-d", tmp, f"vllm=={VLLM_VERSION}"],
            env=dict(os.environ, TMPDIR=tmp), capture_output=True, check=False)
        trees = [os.path.dirname(p) for p in glob.glob(os.path.join(tmp, "pip-download-*", "*", "tests"))]
        if not trees:
            sys.exit("could not obtain vLLM's sdist; pass --vllm-src PATH (a checkout of "
                     f"v{VLLM_VERSION})")
        shutil.move(trees[0], src)
        shutil.rmtree(tmp, ignore_errors=True)
    version_file = os.path.join(src, "vllm", "_version.py")
    if os.path.exists(version_file):
        with open(version_file) as fh:
            m = re.search(r"commit_id = '([^']*)'", fh.read())
        installed = wheel_commit(py)
        if m and installed and m.group(1) != installed:
            sys.exit(f"vLLM source commit {m.group(1)} != installed wheel commit {installed}")
    return src


def build_standin_tokenizer(snapshot: str, vocab: str) -> None:
    """Write a gpt-oss-shaped HF tokenizer (o200k_base BPE + Harmony specials), no weights.

    Runs inside the venv (needs transformers, tokenizers, tiktoken).
    """
    from tiktoken.load import load_tiktoken_bpe
    from tokenizers import AddedToken
    from transformers.convert_slow_tokenizer import TikTokenConverter

    ranks = load_tiktoken_bpe(vocab)
    assert len(ranks) == min(NAMED_SPECIALS), f"{vocab}: expected 199998 ranks, got {len(ranks)}"
    pat_str = _o200k_pattern()
    converter = TikTokenConverter(vocab_file=vocab, pattern=pat_str)
    tok = converter.converted()
    specials = [NAMED_SPECIALS.get(i, f"<|reserved_{i}|>") for i in range(min(NAMED_SPECIALS), VOCAB_SIZE)]
    tok.add_special_tokens([AddedToken(t, normalized=False, special=True) for t in specials])
    for i, t in zip(range(min(NAMED_SPECIALS), VOCAB_SIZE), specials):
        assert tok.token_to_id(t) == i, (t, tok.token_to_id(t), i)
    os.makedirs(snapshot, exist_ok=True)
    tok.save(os.path.join(snapshot, "tokenizer.json"))
    files = {
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": "<|startoftext|>", "eos_token": "<|return|>", "pad_token": "<|endoftext|>",
            "model_max_length": 131072, "clean_up_tokenization_spaces": False,
        },
        "special_tokens_map.json": {
            "bos_token": "<|startoftext|>", "eos_token": "<|return|>", "pad_token": "<|endoftext|>",
        },
        "generation_config.json": {
            "bos_token_id": 199998, "eos_token_id": [200002, 199999, 200012], "pad_token_id": 199999,
        },
        # gpt-oss-20b's published architecture numbers, so ModelConfig can be built;
        # there are no weights and nothing is ever loaded.
        "config.json": {
            "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss",
            "hidden_size": 2880, "intermediate_size": 2880, "num_hidden_layers": 24,
            "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 64,
            "num_local_experts": 32, "num_experts_per_tok": 4, "experts_per_token": 4,
            "vocab_size": VOCAB_SIZE, "max_position_embeddings": 131072,
            "sliding_window": 128, "rope_theta": 150000,
            "rope_scaling": {"rope_type": "yarn", "factor": 32.0, "beta_fast": 32.0,
                             "beta_slow": 1.0, "original_max_position_embeddings": 4096,
                             "truncate": False},
            "layer_types": ["sliding_attention", "full_attention"] * 12,
            "eos_token_id": 200002, "pad_token_id": 199999, "tie_word_embeddings": False,
            "torch_dtype": "bfloat16", "hidden_act": "silu", "rms_norm_eps": 1e-05,
            "attention_bias": True, "initializer_range": 0.02, "swiglu_limit": 7.0,
        },
    }
    for name, content in files.items():
        with open(os.path.join(snapshot, name), "w") as fh:
            json.dump(content, fh, indent=1)


def _o200k_pattern() -> str:
    """tiktoken's o200k_base pre-tokenizer pattern (read from tiktoken_ext)."""
    import inspect

    from tiktoken_ext import openai_public

    src = inspect.getsource(openai_public.o200k_base)
    parts = re.findall(r'r"""(.*?)"""', src)
    return "|".join(parts)


def ensure_standin(workdir: str, py: str, vocab: str, gpt2: bool) -> str:
    """A private HF cache holding the stand-in gpt-oss tokenizer; returns HF_HUB_CACHE."""
    cache = os.path.join(workdir, "hf-cache")
    repo = os.path.join(cache, "models--" + STANDIN_MODEL.replace("/", "--"))
    snapshot = os.path.join(repo, "snapshots", STANDIN_REVISION)
    if not os.path.exists(os.path.join(snapshot, "config.json")):
        log("building the stand-in gpt-oss tokenizer (about a minute)")
        subprocess.run([py, os.path.abspath(__file__), "_standin", snapshot, vocab], check=True)
        os.makedirs(os.path.join(repo, "refs"), exist_ok=True)
        with open(os.path.join(repo, "refs", "main"), "w") as fh:
            fh.write(STANDIN_REVISION)
    # vLLM's harmony chat tests (TestServingChatWithHarmony) mock the engine and take
    # "openai-community/gpt2" only as the tokenizer of their mock model config; give that
    # name the same o200k stand-in so they run offline (opt-in: it adds ~25 tests and, on a
    # loaded 2-core machine, ~10 minutes a side).
    for alias in GPT2_ALIASES if gpt2 else ():
        alias_repo = os.path.join(cache, "models--" + alias.replace("/", "--"))
        alias_snapshot = os.path.join(alias_repo, "snapshots", STANDIN_REVISION)
        if os.path.exists(os.path.join(alias_snapshot, "config.json")):
            continue
        os.makedirs(alias_snapshot, exist_ok=True)
        for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
            shutil.copy(os.path.join(snapshot, name), alias_snapshot)
        with open(os.path.join(alias_snapshot, "config.json"), "w") as fh:
            json.dump({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2",
                       "vocab_size": VOCAB_SIZE, "n_positions": 1024, "n_embd": 768,
                       "n_layer": 12, "n_head": 12, "bos_token_id": 199998,
                       "eos_token_id": 199999}, fh)
        os.makedirs(os.path.join(alias_repo, "refs"), exist_ok=True)
        with open(os.path.join(alias_repo, "refs", "main"), "w") as fh:
            fh.write(STANDIN_REVISION)
    return cache


#: Loaded with ``-p``: vLLM's conftest frees accelerator memory and runs gc.collect() after
#: every test unless it is marked skip_global_cleanup; with no accelerator that is pure
#: overhead (about a second a test here), so mark every test.
PLUGIN = """import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.skip_global_cleanup)
"""


def ensure_rundir(workdir: str, src: str) -> str:
    """A directory holding only vLLM's tests (so `vllm` imports from the installed wheel)."""
    rundir = os.path.join(workdir, "run")
    os.makedirs(rundir, exist_ok=True)
    with open(os.path.join(rundir, "harness_plugin.py"), "w") as fh:
        fh.write(PLUGIN)
    link = os.path.join(rundir, "tests")
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(os.path.join(os.path.abspath(src), "tests"), link)
    with open(os.path.join(rundir, "pytest.ini"), "w") as fh:
        fh.write(PYTEST_INI)
    return rundir


def package_shim(workdir: str, package: str) -> str:
    """A directory with only `openai_harmony` in it, to put ahead of site-packages."""
    shim = os.path.join(workdir, "shim")
    os.makedirs(shim, exist_ok=True)
    link = os.path.join(shim, "openai_harmony")
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(os.path.join(os.path.abspath(package), "openai_harmony"), link)
    return shim


PROBE = """
import json, os, openai_harmony as h
info = {"file": h.__file__}
try:
    from openai_harmony import _backend
    info["backend"] = _backend.backend()
except Exception as exc:
    info["backend"] = "official" if "site-packages" in h.__file__ else repr(exc)
try:
    from vllm import LLM  # noqa: F401
    info["import_vllm"] = "ok"
except Exception as exc:
    info["import_vllm"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
print(json.dumps(info))
"""


def side_env(name: str, base: dict[str, str], shim: str, rundir: str) -> dict[str, str]:
    """Environment for one side."""
    env = dict(base)
    for switch in ("OPENAI_HARMONY_NO_EXTENSIONS", "OPENAI_HARMONY_PURE_PYTHON"):  # the switch and its alias
        env.pop(switch, None)
    # The run directory holds harness_plugin.py; the shim puts this package first.
    env["PYTHONPATH"] = rundir if name == "official" else os.pathsep.join([shim, rundir])
    if name == "pure":
        env["OPENAI_HARMONY_NO_EXTENSIONS"] = "1"
    return env


def run_side(name: str, py: str, rundir: str, env: dict[str, str], files: list[str],
             results: str, timeout: int) -> tuple[dict, str]:  # type: ignore[type-arg]
    """Probe then run the tests for one side; returns (probe info, junit xml path)."""
    probe = subprocess.run([py, "-c", PROBE], capture_output=True, text=True, env=env, cwd=rundir, check=False)
    try:
        info = json.loads(probe.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        info = {"probe_error": probe.stderr[-2000:]}
    log(f"{name}: {info}")
    xml = os.path.join(results, f"{name}.xml")
    logfile = os.path.join(results, f"{name}.log")
    if os.path.exists(xml):
        os.unlink(xml)
    cmd = [py, "-m", "pytest", "-p", "no:cacheprovider", "-p", "harness_plugin", "-q", "-rfE", "--continue-on-collection-errors",
           f"--timeout={timeout}",
           f"--junitxml={xml}", "-o", "junit_logging=no", *files]
    log(f"{name}: running {len(files)} files (log: {logfile})")
    with open(logfile, "w") as fh:
        subprocess.run(cmd, cwd=rundir, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if not os.path.exists(xml):
        info["did_not_start"] = startup_error(logfile)
    return info, xml


def startup_error(logfile: str) -> str:
    """Why pytest ran nothing: its first error header and the last `E` line of the log."""
    with open(logfile, errors="replace") as fh:
        lines = fh.read().splitlines()
    head = next((ln for ln in lines if "Error" in ln and not ln.startswith(("INFO", "E "))), "")
    last = next((ln[1:].strip() for ln in reversed(lines) if ln.startswith("E ") and ln[1:].strip()), "")
    return f"{head} {last}".strip()[:600]


def outcomes(xml: str) -> dict[str, tuple[str, str]]:
    """Map test id -> (outcome, first line of the failure message) from a junit file."""
    result: dict[str, tuple[str, str]] = {}
    if not os.path.exists(xml):
        return result
    for case in ET.parse(xml).getroot().iter("testcase"):
        tid = f"{case.get('classname')}::{case.get('name')}"
        outcome, msg = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed" if child.tag == "failure" else "error"
                msg = (child.get("message") or child.text or "").strip()
                break
            if child.tag == "skipped":
                outcome, msg = "skipped", (child.get("message") or "").strip()
        if tid in result and result[tid][0] == "passed" and outcome == "error":
            outcome = "error"  # an error at teardown after a pass
        result[tid] = (outcome, msg)
    return result


def summary(res: dict[str, tuple[str, str]]) -> dict[str, int]:
    """Counts per outcome."""
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for outcome, _ in res.values():
        counts[outcome] += 1
    return counts


def compare(all_results: dict[str, dict[str, tuple[str, str]]], out: str) -> bool:
    """Print the figures and every test whose outcome differs from the official's."""
    same = True
    print(f"\nvLLM {VLLM_VERSION} harmony unit tests")
    print(f"{'side':<10} {'tests':>6} {'passed':>7} {'failed':>7} {'error':>6} {'skipped':>8}")
    for name, res in all_results.items():
        c = summary(res)
        print(f"{name:<10} {len(res):>6} {c['passed']:>7} {c['failed']:>7} {c['error']:>6} {c['skipped']:>8}")
    ref = all_results.get("official")
    report: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    if ref is not None:
        for name, res in all_results.items():
            if name == "official":
                continue
            diffs = []
            for tid in sorted(set(ref) | set(res)):
                a = ref.get(tid, ("missing", ""))
                b = res.get(tid, ("missing", ""))
                if a[0] != b[0]:
                    diffs.append({"test": tid, "official": a[0], name: b[0], "message": b[1] or a[1]})
            report[name] = diffs
            if not res:
                same = False
                print(f"\n{name}: ran no test ({len(ref)} differ from official); see its log")
            elif diffs:
                same = False
                print(f"\n{name}: {len(diffs)} test(s) differ from official:")
                for d in diffs:
                    first = d["message"].splitlines()[0][:300] if d["message"] else ""
                    print(f"  {d['test']}: official={d['official']} {name}={d[name]}  {first}")
            else:
                print(f"\n{name}: same pass/fail set as official ({len(res)} tests)")
    with open(out, "w") as fh:
        json.dump({"differences": report,
                   "outcomes": {k: {t: o for t, (o, _) in v.items()} for k, v in all_results.items()}},
                  fh, indent=1, sort_keys=True)
    print(f"\ndetails: {out}")
    return same


def main(argv: list[str] | None = None) -> int:
    """Set up (once), run every side, compare."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venv", default=os.path.expanduser("~/.cache/harmony-vllm-harness/venv"),
                    help="scratch virtualenv (created and filled if needed)")
    ap.add_argument("--workdir", default=os.path.expanduser("~/.cache/harmony-vllm-harness"),
                    help="downloads, vLLM tests, stand-in tokenizer, results")
    ap.add_argument("--package", default=here, help="root of this package's checkout (built in place)")
    ap.add_argument("--vllm-src", help=f"a vLLM v{VLLM_VERSION} source tree (default: from its sdist)")
    ap.add_argument("--vocab", default="/work/shared/vocab/o200k_base.tiktoken",
                    help="o200k_base.tiktoken (default: that file if present, else written from the package)")
    ap.add_argument("--sides", default="official,compiled,pure")
    ap.add_argument("--gpt2-standin", action="store_true",
                    help="also serve the o200k stand-in as openai-community/gpt2 (the mock tokenizer "
                         "of vLLM's TestServingChatWithHarmony and other serving-chat tests)")
    ap.add_argument("--timeout", type=int, default=300, help="per-test timeout, seconds")
    ap.add_argument("-k", dest="keyword", help="pytest -k filter (for a quick look)")
    ap.add_argument("files", nargs="*", help="vLLM test files to run (default: the harmony set)")
    args = ap.parse_args(argv)

    workdir = os.path.abspath(args.workdir)
    os.makedirs(workdir, exist_ok=True)
    py = ensure_venv(os.path.abspath(args.venv), workdir)
    src = ensure_vllm_src(workdir, py, args.vllm_src)
    vocab = args.vocab
    if not os.path.exists(vocab):
        vocab = os.path.join(workdir, "o200k_base.tiktoken")
        if not os.path.exists(vocab):
            subprocess.run([py, "-c", ("import sys; from openai_harmony.load import write_tiktoken_file;"
                            "write_tiktoken_file(sys.argv[1])"), workdir],
                           check=True, env=dict(os.environ, PYTHONPATH=args.package))
    hf_cache = ensure_standin(workdir, py, vocab, args.gpt2_standin)
    rundir = ensure_rundir(workdir, src)
    shim = package_shim(workdir, args.package)
    sides = [s.strip() for s in args.sides.split(",") if s.strip()]
    if "compiled" in sides:
        check = subprocess.run([py, "-c", ("from openai_harmony import _backend, encoding;"
                                "assert _backend.backend() == 'cython', _backend.EXTENSION_ERRORS")],
                               env=dict(os.environ, PYTHONPATH=shim), cwd=workdir, capture_output=True, check=False)
        if check.returncode != 0:
            run([py, "setup.py", "-q", "build_ext", "--inplace"], cwd=args.package)
    files = args.files or TEST_FILES
    if args.keyword:
        files = [*files, "-k", args.keyword]
    base = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_HUB_CACHE=hf_cache,
                VLLM_TARGET_DEVICE="cpu", TIKTOKEN_ENCODINGS_BASE=os.path.dirname(os.path.abspath(vocab)),
                TOKENIZERS_PARALLELISM="false")
    results = os.path.join(workdir, "results")
    os.makedirs(results, exist_ok=True)
    all_results = {}
    probes = {}
    for name in sides:
        info, xml = run_side(name, py, rundir, side_env(name, base, shim, rundir), files, results, args.timeout)
        probes[name] = info
        all_results[name] = outcomes(xml)
    print("\nsides:")
    for name, info in probes.items():
        print(f"  {name:<10} {json.dumps(info)}")
    same = compare(all_results, os.path.join(results, "comparison.json"))
    return 0 if same else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_standin":
        build_standin_tokenizer(sys.argv[2], sys.argv[3])
        sys.exit(0)
    sys.exit(main())
