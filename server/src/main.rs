//! `server`: Soco's single binary. See `server --help`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Before any thread: how freed memory goes back to the system (see server::allocator).
    server::allocator::keep_large_blocks_mapped();
    let cli = server::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole chain of causes on one line, without a backtrace.
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
