//! Finding the packages of the workspace that have schemaflow migrations.

use std::path::PathBuf;

use cargo_metadata::{MetadataCommand, Package};

/// A workspace package that depends on schemaflow.
#[derive(Clone, Debug)]
pub struct MigrationPackage {
    /// Package name.
    pub name: String,
    /// Its library's crate name (`-` as `_`).
    pub lib_name: Option<String>,
    /// Directory of its Cargo.toml.
    pub dir: PathBuf,
    /// Its migrations directory (which may not exist yet).
    pub migrations: PathBuf,
    /// How the harness depends on schemaflow: the same source as the package.
    pub schemaflow_dependency: String,
    /// `postgres_min_version` from `[package.metadata.schemaflow]`.
    pub postgres_min_version: Option<u32>,
    /// `lock_timeout_ms` from `[package.metadata.schemaflow]`.
    pub lock_timeout_ms: Option<u64>,
    /// `statement_timeout_ms` from `[package.metadata.schemaflow]`.
    pub statement_timeout_ms: Option<u64>,
    /// The directories of its path dependencies.
    pub path_dependencies: Vec<PathBuf>,
    /// `databases` from `[package.metadata.schemaflow]` (empty: both).
    pub databases: Vec<String>,
    /// Whose history the bookkeeping keeps: `namespace` from
    /// `[package.metadata.schemaflow]`, else the package's name.
    pub namespace: String,
}

/// The workspace: its root, target directory and migration packages.
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub packages: Vec<MigrationPackage>,
}

/// Reads the workspace with `cargo metadata`.
pub fn workspace(manifest_path: Option<&std::path::Path>) -> Result<Workspace, String> {
    let mut cmd = MetadataCommand::new();
    // The workspace's own packages are all it needs: resolving every
    // dependency would cost a tenth of a second on each command.
    cmd.no_deps();
    if let Some(path) = manifest_path {
        cmd.manifest_path(path);
    }
    let metadata = cmd.exec().map_err(|e| format!("cargo metadata failed: {e}"))?;
    let packages = metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| {
            p.dependencies.iter().any(|d| d.name == "schemaflow" && d.kind == cargo_metadata::DependencyKind::Normal)
        })
        .map(migration_package)
        .collect();
    Ok(Workspace {
        root: metadata.workspace_root.clone().into_std_path_buf(),
        target_dir: metadata.target_directory.clone().into_std_path_buf(),
        packages,
    })
}

fn migration_package(p: &Package) -> MigrationPackage {
    let dir = p.manifest_path.parent().map(|d| d.to_path_buf().into_std_path_buf()).unwrap_or_default();
    let lib_name = p
        .targets
        .iter()
        .find(|t| {
            t.kind.iter().any(|k| matches!(k, cargo_metadata::TargetKind::Lib | cargo_metadata::TargetKind::RLib))
        })
        .map(|t| t.name.replace('-', "_"));
    let migrations = p
        .metadata
        .get("schemaflow")
        .and_then(|m| m.get("migrations"))
        .and_then(|m| m.as_str())
        .map_or_else(|| dir.join("migrations"), |m| dir.join(m));
    let config = p.metadata.get("schemaflow");
    let number = |key: &str| config.and_then(|c| c.get(key)).and_then(|v| v.as_u64());
    MigrationPackage {
        postgres_min_version: number("postgres_min_version").map(|v| v as u32),
        lock_timeout_ms: number("lock_timeout_ms"),
        statement_timeout_ms: number("statement_timeout_ms"),
        name: p.name.to_string(),
        namespace: config
            .and_then(|c| c.get("namespace"))
            .and_then(|n| n.as_str())
            .map_or_else(|| p.name.to_string(), str::to_owned),
        lib_name,
        migrations,
        schemaflow_dependency: schemaflow_source(p),
        databases: config
            .and_then(|c| c.get("databases"))
            .and_then(|d| d.as_array())
            .map(|list| list.iter().filter_map(|d| d.as_str().map(str::to_owned)).collect())
            .unwrap_or_default(),
        path_dependencies: p
            .dependencies
            .iter()
            .filter_map(|d| d.path.as_ref().map(|path| path.clone().into_std_path_buf()))
            .collect(),
        dir,
    }
}

/// The harness's `schemaflow = …` line, from the package's declaration of
/// it: its path, its git source, or its version requirement (the harness
/// gets the workspace's lock file, which pins the version in use).
fn schemaflow_source(p: &Package) -> String {
    let Some(dependency) = p.dependencies.iter().find(|d| d.name == "schemaflow") else {
        return "\"*\"".to_owned();
    };
    if let Some(path) = &dependency.path {
        return format!("{{ path = {:?} }}", path.to_string());
    }
    if let Some(git) =
        dependency.source.as_ref().map(|s| s.to_string()).and_then(|s| s.strip_prefix("git+").map(str::to_owned))
    {
        let (url, query) = git.split_once('?').unwrap_or((&git, ""));
        let url = url.split('#').next().unwrap_or(url);
        let pin = query
            .split('&')
            .find_map(|kv| kv.split_once('=').filter(|(k, _)| ["rev", "tag", "branch"].contains(k)))
            .map(|(k, v)| format!(", {k} = {v:?}"))
            .unwrap_or_default();
        return format!("{{ git = {url:?}{pin} }}");
    }
    format!("{:?}", dependency.req.to_string())
}

impl Workspace {
    /// The package to use: the one `-p` names, or the only one.
    pub fn select(&self, wanted: Option<&str>) -> Result<&MigrationPackage, String> {
        let names = || self.packages.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ");
        match wanted {
            Some(name) => self.packages.iter().find(|p| p.name == name).ok_or_else(|| {
                if self.packages.is_empty() {
                    format!("package `{name}` does not depend on schemaflow (no package of this workspace does)")
                } else {
                    format!("package `{name}` does not depend on schemaflow; these do: {}", names())
                }
            }),
            None => match self.packages.as_slice() {
                [] => Err("no package of this workspace depends on schemaflow: add `schemaflow` to a package's [dependencies]".into()),
                [one] => Ok(one),
                several => {
                    // Like cargo: inside a package's directory, that package.
                    let cwd = std::env::current_dir().unwrap_or_default();
                    several.iter().filter(|p| cwd.starts_with(&p.dir)).max_by_key(|p| p.dir.as_os_str().len()).ok_or_else(
                        || format!("this workspace has several packages with migrations; choose one with `-p`: {}", names()),
                    )
                }
            },
        }
    }
}
