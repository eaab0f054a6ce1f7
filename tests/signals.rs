//! A dropped SSH session, as the lab meets it: the binary runs in a
//! pseudo-terminal, gets SIGHUP mid-training, and must leave the terminal as
//! it found it (cooked, echoing, main screen, cursor shown), exit with 129,
//! and leave an autosave that `--resume` continues from the same step.

use nix::pty::{Winsize, openpty};
use nix::sys::signal::{Signal, kill};
use nix::sys::termios::{InputFlags, LocalFlags, OutputFlags, tcgetattr};
use nix::unistd::Pid;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Waits until `output` holds `needle`, or fails after `seconds`.
fn wait_for(output: &Mutex<Vec<u8>>, needle: &str, seconds: u64) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if String::from_utf8_lossy(&output.lock().unwrap()).contains(needle) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let text = String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    panic!("no {needle:?} within {seconds} s in: {text}");
}

#[test]
fn sighup_restores_the_terminal_and_autosaves_a_run_that_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let size = Winsize {
        ws_row: 40,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let pty = openpty(&size, None).unwrap();
    let before = tcgetattr(&pty.slave).unwrap();
    let preset = format!("{}/presets/vanilla.toml", env!("CARGO_MANIFEST_DIR"));
    let stdio = || Stdio::from(std::fs::File::from(pty.slave.try_clone().unwrap()));
    let mut lab = Command::new(env!("CARGO_BIN_EXE_aelab"))
        .args([&preset, "--set", "data.limit=2000"])
        .current_dir(dir.path())
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("TERM", "xterm-256color")
        .stdin(stdio())
        .stdout(stdio())
        .stderr(stdio())
        .spawn()
        .unwrap();
    // Drain the terminal, as a terminal emulator would, so the lab never blocks on it.
    let output = Arc::new(Mutex::new(Vec::new()));
    let mut master = std::fs::File::from(pty.master);
    let sink = output.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    wait_for(&output, "running", 60);
    let raw = tcgetattr(&pty.slave).unwrap();
    assert!(
        !raw.local_flags.contains(LocalFlags::ICANON),
        "the lab runs in raw mode"
    );
    // A shell that hangs up re-sends SIGHUP to its job, and the kernel sends
    // it again: the second must not cut the save short.
    kill(Pid::from_raw(lab.id() as i32), Signal::SIGHUP).unwrap();
    kill(Pid::from_raw(lab.id() as i32), Signal::SIGHUP).unwrap();
    let status = lab.wait().unwrap();
    assert_eq!(status.code(), Some(129));
    wait_for(&output, "continue: aelab --resume", 10);
    let after = tcgetattr(&pty.slave).unwrap();
    for flag in [LocalFlags::ICANON, LocalFlags::ECHO, LocalFlags::ISIG] {
        assert!(after.local_flags.contains(flag), "{flag:?} restored");
    }
    assert!(after.output_flags.contains(OutputFlags::OPOST));
    assert_eq!(
        after.input_flags.contains(InputFlags::ICRNL),
        before.input_flags.contains(InputFlags::ICRNL)
    );
    let text = String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    let left_alternate = text
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen");
    let entered = text.rfind("\x1b[?1049h").unwrap();
    assert!(left_alternate > entered);
    assert!(text.contains("\x1b[?25h"), "the cursor is shown again");
    // "SIGHUP: run saved at step N to PATH (continue: …)"
    let saved = text
        .split("run saved at step ")
        .nth(1)
        .expect("says where it saved");
    let step: u64 = saved.split(' ').next().unwrap().parse().unwrap();
    let path = saved
        .split(" to ")
        .nth(1)
        .unwrap()
        .split(" (")
        .next()
        .unwrap()
        .trim();
    let resumed = Command::new(env!("CARGO_BIN_EXE_aelab"))
        .args(["train", "--resume", path, "--epochs", "1"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&resumed.stdout);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    assert!(
        out.contains(&format!(": step {step}, epoch")),
        "resumed at step {step}: {out}"
    );
}
