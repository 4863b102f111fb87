"""Where the installed kubernetes-validate package (Apache-2.0) keeps its Kubernetes JSON schemas,
shared by the extraction scripts. Looks in the running interpreter, then in the reference tools'
venv (KILN_REFERENCE_BIN, or ../shared/tools/get-reference-tools.sh beside the repository)."""
import glob
import os
import subprocess


def schema_root():
    """The package's `kubernetes-json-schema` directory, or None."""
    candidates = []
    try:
        import kubernetes_validate  # noqa: F401  (running inside the tools venv)
        candidates.append(os.path.dirname(kubernetes_validate.__file__))
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    tools = os.path.join(here, "..", "..", "..", "shared", "tools", "get-reference-tools.sh")
    bindir = os.environ.get("KILN_REFERENCE_BIN")
    if not bindir and os.path.exists(tools):
        out = subprocess.run(["bash", tools], check=True, capture_output=True, text=True).stdout
        bindir = out.strip().splitlines()[-1]
    if bindir:
        pattern = os.path.join(bindir, "..", "venv", "lib", "python*", "site-packages", "kubernetes_validate")
        candidates.extend(glob.glob(pattern))
    for c in candidates:
        path = os.path.join(c, "kubernetes-json-schema")
        if os.path.isdir(path):
            return path
    return None
