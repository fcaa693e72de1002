"""Emulation of the official package's exact output: Rust/serde formatting, argument errors."""
