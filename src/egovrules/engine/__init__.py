"""The engine that checks: the compiled ``Pack`` (``load_pack``, ``Pack.check``), the findings
it builds, and runs over input files with their exit codes.
"""
