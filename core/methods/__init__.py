"""The method library: methods as data files, validated at load."""

from core.methods.loader import MethodFileError, MethodLibrary, load_library

__all__ = ["MethodFileError", "MethodLibrary", "load_library"]
