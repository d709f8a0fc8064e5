# SPDX-License-Identifier: MIT
"""The engine's glibc allocator settings (core/runtime.cpp's mallopt calls:
mmap and trim thresholds at 1 GiB, a 64 MiB top pad) as GLIBC_TUNABLES, so
that a Python reference runs at equal settings."""

TUNABLES = ("glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=1073741824:"
            "glibc.malloc.top_pad=67108864")
