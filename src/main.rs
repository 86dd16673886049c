//! The `aksform` binary: parse arguments, run the command, turn the outcome into an exit code.

use std::process::ExitCode;

use aksform::cli::{self, ExitStatus};

fn main() -> ExitCode {
    match cli::run(std::env::args_os()) {
        Ok(status) => status.into(),
        Err(err) => {
            // A closed pipe (e.g. `aksform fmt -diff | head`) is not a failure.
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("aksform: {err:#}");
            ExitStatus::Failure.into()
        }
    }
}
