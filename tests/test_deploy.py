"""The deployment files: the Kubernetes manifests (deploy/kubernetes/) rendered by
`kubectl kustomize` and validated against the Kubernetes schemas (kubernetes-validate),
the compose file, and the set-up promises of the Makefile and pyproject.toml."""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KUBE = ROOT / "deploy" / "kubernetes"
# The newest Kubernetes release whose schemas kubernetes-validate bundles.
KUBERNETES_VERSION = kubernetes_validate.latest_version()
IN_CI = os.environ.get("CI", "").lower() == "true"


def _documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="module")
def production() -> list[dict]:
    """The production overlay as kubectl renders it (Debian's kubectl, installed by .ci/run)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        if IN_CI:
            pytest.fail("kubectl is missing (.ci/run installs it)")
        pytest.skip("needs kubectl (apt-get install kubectl)")
    rendered = subprocess.run(  # noqa: S603 - kubectl from PATH, our own folder
        [kubectl, "kustomize", str(KUBE / "overlays" / "production")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return _documents(rendered)


def _by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def _pod_spec(doc: dict) -> dict:
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return doc["spec"]["template"]["spec"]


@pytest.mark.parametrize("path", sorted(KUBE.rglob("*.yaml")), ids=lambda p: p.name)
def test_deploy_manifest_files_are_valid_kubernetes(path):
    if path.name == "kustomization.yaml":
        return
    for doc in _documents(path.read_text()):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_deploy_production_overlay_renders_valid_kubernetes(production):
    for doc in production:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    assert {
        doc["metadata"].get("namespace") for doc in production if doc["kind"] != "Namespace"
    } == {"tilflytt"}


def test_deploy_web_is_replicated_probed_and_protected(production):
    web = _by_kind(production, "Deployment")["tilflytt-web"]
    assert web["spec"]["replicas"] >= 2
    [container] = _pod_spec(web)["containers"]
    readiness = container["readinessProbe"]["httpGet"]["path"]
    liveness = container["livenessProbe"]["httpGet"]["path"]
    assert (readiness, liveness) == ("/healthz", "/livez")
    [budget] = _by_kind(production, "PodDisruptionBudget").values()
    assert budget["spec"]["selector"]["matchLabels"] == web["spec"]["selector"]["matchLabels"]
    assert budget["spec"]["minAvailable"] >= 1


def test_deploy_one_beat_worker_migrations_job_and_backup_cronjob(production):
    deployments = _by_kind(production, "Deployment")
    beat = deployments["tilflytt-beat"]
    assert beat["spec"]["replicas"] == 1 and beat["spec"]["strategy"]["type"] == "Recreate"
    assert _pod_spec(beat)["containers"][0]["command"][:3] == ["python", "manage.py", "run_beat"]
    assert "worker" in _pod_spec(deployments["tilflytt-worker"])["containers"][0]["command"]
    job = _by_kind(production, "Job")["tilflytt-migrate"]
    assert _pod_spec(job)["containers"][0]["command"][-2:] == ["migrate", "--no-input"]
    # Web waits for the migrations instead of running them.
    [init] = _pod_spec(deployments["tilflytt-web"])["initContainers"]
    assert "migrate --check" in " ".join(init["command"])
    cron = _by_kind(production, "CronJob")["tilflytt-backup"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert _pod_spec(cron)["containers"][0]["command"][2] == "backup"


def test_deploy_every_pod_is_non_root_read_only_limited_and_gets_secrets_as_files(production):
    workloads = [doc for doc in production if doc["kind"] in {"Deployment", "Job", "CronJob"}]
    assert len(workloads) == 5
    config = _by_kind(production, "ConfigMap")["tilflytt-config"]["data"]
    for doc in workloads:
        spec = _pod_spec(doc)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        secret_volumes = [v for v in spec["volumes"] if "secret" in v]
        assert [v["secret"]["secretName"] for v in secret_volumes] == ["tilflytt-secrets"]
        for container in spec["containers"] + spec.get("initContainers", []):
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert set(container["resources"]) == {"requests", "limits"}
            assert container["envFrom"] == [{"configMapRef": {"name": "tilflytt-config"}}]
            assert "env" not in container  # no secret value in the manifests
    for name in ("SECRET_KEY", "DATABASE_URL", "S3_SECRET_ACCESS_KEY"):
        assert name not in config
        assert config[f"{name}_FILE"] == f"/run/secrets/tilflytt/{name}"


def test_deploy_network_policies_deny_ingress_but_to_web(production):
    policies = _by_kind(production, "NetworkPolicy")
    deny = policies["tilflytt-deny-ingress"]
    assert deny["spec"]["policyTypes"] == ["Ingress"] and "ingress" not in deny["spec"]
    web = policies["tilflytt-web-from-ingress"]
    assert web["spec"]["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 8000}]


def test_deploy_compose_file_is_current_tls_fronted_and_migrates_once():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert "version" not in compose
    services = compose["services"]
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "migrate" not in str(services["web"]["command"])
    assert services["migrate"]["command"] == "python manage.py migrate --no-input"
    for name in ("web", "worker", "beat", "backup"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
    assert services["caddy"]["image"].startswith("caddy:")
    assert "manage.py backup" in " ".join(services["backup"]["command"])
    assert "run_beat" in services["beat"]["command"]


def test_deploy_make_run_installs_runtime_only_and_site_url_follows_host():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"]).lower()
    for tool in ("pytest", "playwright", "schemathesis", "moto", "mypy", "ruff"):
        assert tool not in runtime
    assert "pillow==" in runtime
    make = shutil.which("make")
    if make is None:
        if IN_CI:
            pytest.fail("make is missing (CI runs the README's `make test`)")
        pytest.skip("needs make")
    plan = subprocess.run(  # noqa: S603 - make from PATH, dry run only
        [make, "-n", "-B", "run", "HOST=127.0.0.1:8100"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
    ).stdout
    assert "install --quiet -e .\n" in plan and ".[dev]" not in plan
    assert (
        "SITE_URL=http://127.0.0.1:8100 .venv/bin/python manage.py runserver 127.0.0.1:8100" in plan
    )


def test_deploy_tool_caches_are_ignored_not_committed():
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        if IN_CI:
            pytest.fail("CI runs from a git clone: git and .git must be there")
        pytest.skip("needs a git work tree")
    tracked = subprocess.run(  # noqa: S603 - git from PATH, read only
        [git, "ls-files", ".schemathesis", ".hypothesis"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert tracked == ""
    ignored = subprocess.run(  # noqa: S603 - git from PATH, read only
        [git, "check-ignore", ".schemathesis/x/manifest.json", ".hypothesis/x"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.returncode == 0
