//! Runs the real `aksform emulator` binary on a free loopback port for a test.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running emulator process, killed when dropped.
pub struct EmulatorProcess {
    pub child: Child,
    pub url: String,
}

impl EmulatorProcess {
    /// Starts `aksform emulator --port 0 ARGS` and reads its URL from the first stdout line.
    #[track_caller]
    pub fn start(args: &[&str]) -> EmulatorProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aksform"))
            .arg("emulator")
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the aksform binary starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the emulator prints its URL");
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "unexpected first line {url:?}"
        );
        EmulatorProcess { child, url }
    }

    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
