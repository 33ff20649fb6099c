//! `ec2lab`: the lab's console without the browser.
//!
//! Interactive on a terminal (`ec2lab`), or a script runner: `ec2lab --seed N [--jsonl] [FILE]`
//! reads console input from FILE or stdin, one complete command at a time (a command may span
//! lines: open quotes, here-documents, trailing `\`), and runs it on a fresh world.
//! `ec2lab lesson …` checks, lists and plays lessons (see lesson.rs); `ec2lab quiz` and `ec2lab exam`
//! put the question bank to work (see quiz.rs). `ec2lab [--seed N] imds …` serves one instance's
//! metadata service over real HTTP for real clients (see imds.rs).

mod imds;
mod lesson;
mod quiz;

use engine::Lab;
use std::io::{self, BufRead, IsTerminal, Write};

const USAGE: &str = "usage: ec2lab [--seed N] [--jsonl] [FILE]\n       ec2lab [--seed N] imds [--port 8169] [--instance ID|first] [--hops N] [FILE] (ec2lab imds --help)\n       ec2lab lesson check|list|run … (ec2lab lesson --help)\n       ec2lab quiz [TOPIC] [--seed N] [--count N]\n       ec2lab exam [--length 10|20|65] [--seed N] [--topic T]...\n\n  --seed N   build the world from seed N (default 1)\n  --jsonl    print one JSON object per command: input, stdout, stderr, exit, clock\n  FILE       read commands from FILE instead of standard input\n";

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("lesson") {
        std::process::exit(lesson::main(&argv[1..]));
    }
    // `imds` may follow `--seed N`: hand it every argument but the word itself.
    let mut i = 0;
    while i < argv.len() && (argv[i] == "--seed" || argv[i].starts_with("--seed=")) {
        i += if argv[i] == "--seed" { 2 } else { 1 };
    }
    if argv.get(i).map(String::as_str) == Some("imds") {
        let rest: Vec<String> = argv[..i].iter().chain(&argv[i + 1..]).cloned().collect();
        std::process::exit(imds::main(&rest));
    }
    match argv.first().map(String::as_str) {
        Some("quiz") => std::process::exit(quiz::quiz_main(&argv[1..])),
        Some("exam") => std::process::exit(quiz::exam_main(&argv[1..])),
        _ => {}
    }
    let mut seed: u64 = 1;
    let mut jsonl = false;
    let mut file: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => match args.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => fail("--seed needs a number"),
            },
            s if s.starts_with("--seed=") => match s["--seed=".len()..].parse() {
                Ok(v) => seed = v,
                Err(_) => fail("--seed needs a number"),
            },
            "--jsonl" => jsonl = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                return;
            }
            s if s.starts_with('-') && s != "-" => fail(&format!("unknown option {s}")),
            s => {
                if file.is_some() {
                    fail("only one FILE");
                }
                file = Some(s.to_string());
            }
        }
    }
    let interactive = file.is_none() && io::stdin().is_terminal() && !jsonl;
    let reader: Box<dyn BufRead> = match &file {
        Some(f) if f != "-" => match std::fs::File::open(f) {
            Ok(h) => Box::new(io::BufReader::new(h)),
            Err(e) => fail(&format!("{f}: {e}")),
        },
        _ => Box::new(io::BufReader::new(io::stdin())),
    };
    let code = run(Lab::new(seed), reader, jsonl, interactive);
    std::process::exit(code);
}

fn fail(msg: &str) -> ! {
    eprint!("ec2lab: {msg}\n{USAGE}");
    std::process::exit(2);
}

fn run(mut lab: Lab, reader: Box<dyn BufRead>, jsonl: bool, interactive: bool) -> i32 {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut pending = String::new();
    let mut last_exit = 0;
    if interactive {
        let _ = write!(out, "ec2lab: a simulated AWS account in us-east-1. Type `help` to begin, Ctrl-D to leave.\n{}", lab.prompt());
        let _ = out.flush();
    }
    let mut lines = reader.lines();
    loop {
        let line = match lines.next() {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => {
                eprintln!("ec2lab: reading input: {e}");
                return 2;
            }
            None => None,
        };
        let eof = line.is_none();
        if let Some(l) = line {
            if !pending.is_empty() {
                pending.push('\n');
            }
            pending.push_str(&l);
            if Lab::needs_more_input(&pending) {
                if interactive {
                    let _ = write!(out, "> ");
                    let _ = out.flush();
                }
                continue;
            }
        }
        if !pending.trim().is_empty() {
            let input = std::mem::take(&mut pending);
            let o = lab.run(&input);
            last_exit = o.exit;
            if jsonl {
                let obj = serde_json::json!({
                    "input": input,
                    "stdout": o.stdout,
                    "stderr": o.stderr,
                    "exit": o.exit,
                    "clock": lab.now().iso(),
                });
                let _ = writeln!(out, "{obj}");
            } else {
                let _ = write!(out, "{}", o.stdout);
                let _ = out.flush();
                eprint!("{}", o.stderr);
            }
        } else {
            pending.clear();
        }
        // `exit` on the workstation ends the session, as it closes a terminal.
        if eof || lab.take_quit_request() {
            break;
        }
        if interactive {
            let _ = write!(out, "{}", lab.prompt());
            let _ = out.flush();
        }
    }
    if interactive {
        let _ = writeln!(out);
    }
    if jsonl { 0 } else { last_exit }
}
