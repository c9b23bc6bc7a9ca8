# egovrules serve in a container (docs/serve.md, "Docker"). Build from the repository root:
#   docker build -t egovrules .
#   docker run --rm -p 127.0.0.1:8080:8080 egovrules
# Inside the container the server binds every address (its network is the container's own);
# publish the port on the host's loopback, or behind a reverse proxy, not on the open network.
FROM python:3.12-slim

RUN useradd --create-home --uid 10001 egovrules
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
RUN pip install --no-cache-dir '.[serve]' && rm -rf /src

USER egovrules
WORKDIR /home/egovrules
EXPOSE 8080
# SIGTERM (docker stop) lets the requests in flight finish before the server exits.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/readyz')"
CMD ["egovrules", "serve", "--host", "0.0.0.0", "--port", "8080"]
