"""The package's version, in one place (setup reads ``VERSION`` without importing the package)."""

#: The distribution version: the official release whose API and output this package
#: reproduces, plus a PEP 440 local label, so that ``pip freeze`` pins this package and not
#: the Rust one, while ``openai-harmony>=0.0.8`` (and ``==0.0.8``) requirements still match.
VERSION = "0.0.8+py.1"

#: As the official package reports it (code may compare it with "0.0.8").
__version__ = VERSION.split("+", 1)[0]
