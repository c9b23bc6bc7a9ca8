"""Rule packs: loading, validating and compiling ``rules/<city>.yaml``."""

from egovrules.pack.compiled import Pack, available_packs, load_pack

__all__ = ["Pack", "available_packs", "load_pack"]
