"""The HTTP service (``egovrules serve``, the ``serve`` extra): the packs, checks, explain,
diff and subject schemas over HTTP under ``/v1``, for the systems that do not speak Python.

    app.py      the FastAPI application: the endpoints, each calling the command line's code
    body.py     a check body read into subjects: plain JSON by json and pydantic, any other
                (or any refused) body by the command line's positioned reader
    answer.py   a check's answer in bytes: the command line's JSON document, written by orjson
    models.py   the pydantic models the answers and the OpenAPI document are made of
    catalog.py  the packs described: the list, one pack's rules, parameters and articles
    loading.py  the packs compiled in the background at start; ready when all are
    head.py     HEAD answered as GET is, without the body
    query.py    query strings read strictly: no unknown parameter, no single one twice
    guard.py    what every request passes through: its id, the token, the body limit, the
                timeout, internal errors, the access log
    errors.py   errors as data: the codes, statuses and JSON paths of a refusal
    config.py   the server's options, handed to each worker process
    logs.py     the JSON log lines

Importing this package needs FastAPI and orjson: ``egovrules.cli.serve`` checks the extra first.
"""
