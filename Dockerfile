# egovrules in a container, for CI systems that run images (GitLab CI, Jenkins, Tekton):
#   docker build -t egovrules .
#   docker run --rm -v "$PWD:/work" egovrules check compliance/
# The working directory is /work: mount the repository there, and its .egovrules.yaml (or
# pyproject.toml [tool.egovrules]) is read as on a workstation. docs/ci.md#docker.
FROM python:3.11-slim
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY rules ./rules
RUN pip install --no-cache-dir . && rm -rf /src
WORKDIR /work
ENTRYPOINT ["egovrules"]
CMD ["check", "--help"]
