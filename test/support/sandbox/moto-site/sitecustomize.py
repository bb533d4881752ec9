"""
Loaded by the Python that runs the sandbox's moto_server (moto.ts puts this folder first on its
PYTHONPATH). It changes how fast moto answers, never what it answers.

1. moto's server names the backend of every request with moto.backends.list_of_moto_modules(),
   which lists moto's package folder and stats each of its ~180 entries, twice per request: about
   half of a GetObject's time in moto 5.2 (measured with cProfile: 3.1 ms a GET, 1.4 ms without).
   The installed package does not change while the server runs, so the list is taken once.
2. werkzeug logs one access line per request at INFO; at WARNING it still logs the errors and
   tracebacks moto.ts relays, without the per-request line.
3. moto's response serializer parses every timestamp it writes back from text with botocore's
   parse_to_aware_datetime (dateutil): each key's LastModified on every ListObjectsV2 page, about a
   quarter of a page of 1,000 keys (issue 14's bench). The result of a text depends on the text
   alone and is an immutable datetime, so texts are parsed once each (a bounded cache); any other
   value goes to the original.

A sitecustomize found later on sys.path (the interpreter's own) still runs, first.
"""
import functools
import importlib.machinery
import importlib.util
import logging
import os
import sys


def _run_shadowed_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


def _list_moto_modules_once():
    try:
        import moto.backends as backends
    except Exception:  # not moto's interpreter after all: change nothing
        return
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def _parse_timestamp_texts_once():
    try:
        import moto.core.serialize as serialize
    except Exception:  # not moto's interpreter, or a moto without it: change nothing
        return
    original = getattr(serialize, "parse_to_aware_datetime", None)
    if original is None:
        return
    parse_text = functools.lru_cache(maxsize=100_000)(original)

    def parse_to_aware_datetime(value):
        return parse_text(value) if isinstance(value, str) else original(value)

    serialize.parse_to_aware_datetime = parse_to_aware_datetime


_run_shadowed_sitecustomize()
_list_moto_modules_once()
_parse_timestamp_texts_once()
logging.getLogger("werkzeug").setLevel(logging.WARNING)
