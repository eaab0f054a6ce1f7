//! `cargo bench`: the workloads of `aelab bench`.

fn main() -> anyhow::Result<()> {
    aelab::cli::bench::run(None, None, None)
}
