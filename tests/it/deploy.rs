//! The array-job files under deploy/ have what they need: the engine's index variable,
//! the shard count agreeing with the array size (Kubernetes completions, AWS Batch array
//! size, Slurm's array), the merge step after the shards, and the same parts directory
//! on both sides. tests/slurm/run.sh runs the Slurm scripts on a real Slurm.

fn read(p: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p))
        .unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// The value after `key:` on a YAML line of `text` (first occurrence).
fn yaml(text: &str, key: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(|v| v.trim().to_string())
}

/// N in `--shard-from-env N` (a number, or a variable reference) in `text`, comment
/// lines left out.
fn shard_count(text: &str) -> String {
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let i = text.find("--shard-from-env").expect("--shard-from-env");
    text[i + "--shard-from-env".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_matches('"')
        .to_string()
}

#[test]
fn kubernetes_indexed_job_has_index_completions_shared_volume_and_merge() {
    let sweep = read("deploy/kubernetes/sweep.yaml");
    assert_eq!(yaml(&sweep, "completionMode").as_deref(), Some("Indexed"));
    let n = yaml(&sweep, "completions").unwrap();
    assert_eq!(n, "4");
    assert_eq!(shard_count(&sweep), n, "completions = --shard-from-env N");
    let par: usize = yaml(&sweep, "parallelism").unwrap().parse().unwrap();
    assert!(par >= 1 && par <= n.parse().unwrap());
    assert!(sweep.contains("part-${JOB_COMPLETION_INDEX}.jsonl"));
    assert!(sweep.contains("kind: PersistentVolumeClaim") && sweep.contains("ReadWriteMany"));
    assert!(sweep.contains("claimName: spotsim-results") && sweep.contains("mountPath: /results"));
    let merge = read("deploy/kubernetes/merge.yaml");
    assert!(merge.contains("spotsim sweep merge /results/parts/part-*.jsonl"));
    assert!(sweep.contains("--out /results/parts/part-"));
    assert!(merge.contains("claimName: spotsim-results") && merge.contains("--summary-out"));
    assert!(sweep.contains("kubectl wait --for=condition=complete"));
}

#[test]
fn aws_batch_job_definition_has_index_array_size_and_dependent_merge() {
    let v = |p: &str| -> serde_json::Value { serde_json::from_str(&read(p)).expect(p) };
    let def = v("deploy/aws-batch/job-definition.json");
    let cmd = def["containerProperties"]["command"].as_array().unwrap();
    let line = cmd.last().unwrap().as_str().unwrap();
    assert!(
        line.contains("part-${AWS_BATCH_JOB_ARRAY_INDEX}.jsonl"),
        "{line}"
    );
    assert_eq!(shard_count(line), "$SHARDS");
    let env_shards = |v: &serde_json::Value| -> String {
        v.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == "SHARDS")
            .unwrap()["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(env_shards(&def["containerProperties"]["environment"]), "4");
    assert!(def["containerProperties"]["mountPoints"][0]["containerPath"] == "/mnt/sweep");
    let array = v("deploy/aws-batch/submit-array.json");
    let size = array["arrayProperties"]["size"].as_u64().unwrap();
    assert_eq!(
        size.to_string(),
        env_shards(&array["containerOverrides"]["environment"])
    );
    assert_eq!(array["jobDefinition"], def["jobDefinitionName"]);
    let merge = v("deploy/aws-batch/submit-merge.json");
    assert!(merge["dependsOn"][0]["jobId"].is_string());
    assert!(
        merge.get("arrayProperties").is_none(),
        "the merge is one job"
    );
    let m = merge["containerOverrides"]["command"][2].as_str().unwrap();
    assert!(
        m.contains("spotsim sweep merge /mnt/sweep/parts/part-*.jsonl"),
        "{m}"
    );
    assert!(line.contains("--out /mnt/sweep/parts/part-"));
}

#[test]
fn slurm_scripts_have_the_array_index_and_a_dependent_merge() {
    let sweep = read("deploy/slurm/sweep.sbatch");
    assert!(sweep.contains("#SBATCH --array=1-"));
    assert_eq!(shard_count(&sweep), "$N");
    assert!(sweep.contains("N=\"${SLURM_ARRAY_TASK_COUNT:?"));
    assert!(sweep.contains("part-${SLURM_ARRAY_TASK_ID}.jsonl"));
    let submit = read("deploy/slurm/submit.sh");
    assert!(submit.contains("--array=\"1-$N\""));
    assert!(submit.contains("--dependency=\"afterok:$array\""));
    let merge = read("deploy/slurm/merge.sbatch");
    assert!(merge.contains("sweep merge \"$OUT\"/part-*.jsonl"));
    let ci = read(".ci/run");
    assert!(
        ci.contains("tests/slurm/run.sh"),
        ".ci/run runs the Slurm test"
    );
}
