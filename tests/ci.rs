//! The CI and GitOps integrations, run as their hosts would run them: the pre-commit hooks'
//! entries, the GitHub Action's lint script, the Containerfile's build command (the README's), and
//! the Argo CD plugin's discover and generate commands (working directory, environment).

mod common;
use common::{root, temp_dir};

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kiln_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kiln"))
}

/// PATH with the freshly built kiln first, as an installed kiln would be.
fn path_with_kiln() -> String {
    let dir = kiln_bin().parent().unwrap().to_path_buf();
    format!("{}:/usr/bin:/bin", dir.display())
}

fn yaml(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    kiln::yaml::parse_document(&text, &path.display().to_string()).unwrap()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|s| s.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn kiln(args: &[&str], cwd: &Path) -> Output {
    Command::new(kiln_bin())
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

/// A repository with one chart made by `kiln create`.
fn user_repo(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    assert!(kiln(&["create", "app", "--kind", "deployment"], &dir)
        .status
        .success());
    dir
}

/// Runs a hook as pre-commit does: `entry` split on spaces, then `args`, in the repository root.
fn run_hook(hook: &serde_json::Value, args: &[&str], cwd: &Path) -> Output {
    let entry = hook["entry"].as_str().unwrap();
    let mut words = entry.split_whitespace();
    let program = words.next().unwrap();
    assert_eq!(program, "kiln");
    let mut cmd = Command::new(kiln_bin());
    cmd.args(words).current_dir(cwd);
    if args.is_empty() {
        cmd.args(strings(&hook["args"]));
    } else {
        cmd.args(args);
    }
    cmd.output().unwrap()
}

#[test]
fn pre_commit_hooks_pass_a_good_repository_and_fail_a_broken_one() {
    let hooks = yaml(&root().join(".pre-commit-hooks.yaml"));
    let hooks = hooks.as_array().unwrap();
    let hook = |id: &str| hooks.iter().find(|h| h["id"] == id).unwrap().clone();
    let (lint, render) = (hook("kiln-lint"), hook("kiln-render-check"));
    for h in [&lint, &render] {
        assert_eq!(h["language"], "rust");
        assert_eq!(h["pass_filenames"], false);
    }
    let repo = user_repo("precommit");
    let out = run_hook(&lint, &[], &repo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run_hook(&render, &["app"], &repo);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A typo in a template breaks both.
    let deploy = repo.join("app/templates/deployment.yaml");
    let text = std::fs::read_to_string(&deploy).unwrap();
    std::fs::write(&deploy, text.replace("Values.replicas", "Values.replica")).unwrap();
    assert_eq!(run_hook(&lint, &[], &repo).status.code(), Some(1));
    let out = run_hook(&render, &["app"], &repo);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`Values.replica` is not defined"));
}

/// Runs the action's lint script as its step does (env from the inputs, kiln on PATH).
fn run_action_script(cwd: &Path, paths: &str, args: &str) -> Output {
    Command::new("sh")
        .arg(root().join("scripts/ci/lint-sarif.sh"))
        .current_dir(cwd)
        .env_clear()
        .env("PATH", path_with_kiln())
        .env("KILN_PATHS", paths)
        .env("KILN_ARGS", args)
        .env("KILN_SARIF", "out/kiln.sarif")
        .output()
        .unwrap()
}

#[test]
fn the_actions_lint_script_writes_sarif_and_exits_with_kilns_status() {
    let action = yaml(&root().join("action.yml"));
    let steps = action["runs"]["steps"].as_array().unwrap();
    let run_of = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["run"].as_str())
            .unwrap()
            .to_string()
    };
    assert!(run_of("Install kiln").contains("cargo install --locked --path"));
    assert!(run_of("kiln lint").contains("scripts/ci/lint-sarif.sh"));
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));

    let repo = user_repo("action");
    std::fs::create_dir_all(repo.join("out")).unwrap();
    let out = run_action_script(&repo, "app", "--strict");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("out/kiln.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("kiln lint: 0 findings"));

    std::fs::write(
        repo.join("bad.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n      restartPolicey: Always\n",
    )
    .unwrap();
    let out = run_action_script(&repo, "app bad.yaml", "");
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("out/kiln.sarif")).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(String::from_utf8_lossy(&out.stdout).contains("(exit 1)"));
}

#[test]
fn the_container_image_builds_with_the_readmes_command() {
    let containerfile = std::fs::read_to_string(root().join("Containerfile")).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = containerfile
        .lines()
        .find_map(|l| l.strip_prefix("RUN cargo install"))
        .expect("the Containerfile builds with cargo install");
    let command = format!("cargo install{install}");
    let readme_form = command.trim_end_matches(" --root /usr/local");
    assert!(readme.contains(readme_form), "README lacks `{readme_form}`");
    assert!(
        containerfile.contains("FROM scratch"),
        "the final image holds only the binary"
    );
}

/// Runs one of the plugin's commands as the sidecar does: in the application directory, with
/// Argo CD's variables and nothing else from this process's environment.
fn run_plugin(command: &[String], app_dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..])
        .current_dir(app_dir)
        .env_clear()
        .env("PATH", path_with_kiln());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn plugin_commands() -> (Vec<String>, Vec<String>) {
    let plugin = yaml(&root().join("deploy/argocd/plugin.yaml"));
    assert_eq!(plugin["kind"], "ConfigManagementPlugin");
    let spec = &plugin["spec"];
    let discover = strings(&spec["discover"]["find"]["command"]);
    let mut generate = strings(&spec["generate"]["command"]);
    generate.extend(strings(&spec["generate"]["args"]));
    (discover, generate)
}

#[test]
fn the_argo_cd_plugin_renders_a_chart_with_the_applications_settings() {
    let (discover, generate) = plugin_commands();
    let repo = user_repo("argocd");
    let app = repo.join("app");
    std::fs::write(app.join("values-prod.yaml"), "replicas: 4\n").unwrap();
    let found = run_plugin(&discover, &app, &[]);
    assert!(
        found.status.success() && !found.stdout.is_empty(),
        "discover finds the chart"
    );
    let elsewhere = run_plugin(&discover, &app.join("templates"), &[]);
    assert!(
        elsewhere.status.success() && elsewhere.stdout.is_empty(),
        "and nothing else"
    );
    let env = [
        ("ARGOCD_APP_NAME", "shop"),
        ("ARGOCD_APP_NAMESPACE", "prod"),
        ("ARGOCD_APP_REVISION", "abc123"),
        ("ARGOCD_APP_SOURCE_PATH", "app"),
        ("KUBE_VERSION", "1.33.2+k3s1"),
        ("KUBE_API_VERSIONS", "v1,apps/v1,batch/v1"),
        ("ARGOCD_ENV_VALUES_FILES", "values-prod.yaml"),
        ("ARGOCD_ENV_SET", "image.tag=1.36.1"),
    ];
    let out = run_plugin(&generate, &app, &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = kiln(
        &[
            "render",
            ".",
            "--release-name",
            "shop",
            "-n",
            "prod",
            "--kube-version",
            "1.33.2",
            "-a",
            "v1,apps/v1,batch/v1",
            "-f",
            "values-prod.yaml",
            "--set",
            "image.tag=1.36.1",
        ],
        &app,
    );
    assert_eq!(out.stdout, expected.stdout);
    let stream = String::from_utf8_lossy(&out.stdout);
    assert!(stream.contains("name: shop-app\n"), "{stream}");
    assert!(stream.contains("replicas: 4\n"));
    assert!(stream.contains("image: \"busybox:1.36.1\""));
    // RELEASE_NAME from the Application's plugin env wins over the application name.
    let renamed = run_plugin(
        &generate,
        &app,
        &[
            ("ARGOCD_APP_NAME", "shop"),
            ("ARGOCD_ENV_RELEASE_NAME", "web"),
        ],
    );
    assert!(String::from_utf8_lossy(&renamed.stdout).contains("name: web-app\n"));
    // A chart that does not render fails the sync with kiln's message.
    let broken = run_plugin(
        &generate,
        &app,
        &[
            ("ARGOCD_APP_NAME", "shop"),
            ("ARGOCD_ENV_SET", "replicas=-1"),
        ],
    );
    assert_ne!(broken.status.code(), Some(0));
    assert!(broken.stdout.is_empty());
}

#[test]
fn the_argo_cd_plugin_renders_an_overlay_as_it_is() {
    let (discover, generate) = plugin_commands();
    let app = root().join("overlays/dev");
    assert!(!run_plugin(&discover, &app, &[]).stdout.is_empty());
    let env = [
        ("ARGOCD_APP_NAME", "shop-dev"),
        ("ARGOCD_APP_NAMESPACE", "shop-dev"),
    ];
    let out = run_plugin(&generate, &app, &env);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.stdout,
        kiln(&["render", "overlays/dev"], &root()).stdout
    );
}
