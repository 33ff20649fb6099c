use super::*;

struct Fake {
    fs: Fs,
    now: u64,
}

impl Fake {
    fn new() -> Fake {
        Fake { fs: Fs::linux("ec2-user", "/home/ec2-user"), now: crate::clock::EPOCH_START_MS }
    }
}

impl System for Fake {
    fn fs(&mut self) -> &mut Fs {
        &mut self.fs
    }
    fn external(&mut self, inv: &Invocation) -> Option<CmdOut> {
        match inv.argv[0].as_str() {
            "aws" | "argv" => {
                let mut s = inv.argv.join("|");
                s.push('\n');
                Some(CmdOut::ok(s))
            }
            "stdin" => Some(CmdOut::ok(inv.stdin.to_vec())),
            "fail" => Some(CmdOut::err(3, "boom\n")),
            "getenv" => Some(CmdOut::ok(format!("{}\n", inv.env.get(&inv.argv[1]).cloned().unwrap_or_default()))),
            _ => None,
        }
    }
    fn now_millis(&self) -> u64 {
        self.now
    }
    fn sleep(&mut self, millis: u64) {
        self.now += millis;
    }
    fn hostname(&self) -> String {
        "ip-10-0-0-1".into()
    }
    fn has_command(&self, name: &str) -> bool {
        name == "aws"
    }
}

fn sh() -> (Shell, Fake) {
    (Shell::new("ec2-user", "/home/ec2-user", "ip-10-0-0-1"), Fake::new())
}

fn run(src: &str) -> Output {
    let (mut s, mut f) = sh();
    s.run(src, &mut f)
}

fn out(src: &str) -> String {
    run(src).stdout
}

#[test]
fn echo_and_quoting() {
    assert_eq!(out("echo hello   world"), "hello world\n");
    assert_eq!(out("echo 'a  b' \"c  d\" e\\ f"), "a  b c  d e f\n");
    assert_eq!(out("echo $'a\\tb\\n'"), "a\tb\n\n");
    assert_eq!(out("echo -n hi"), "hi");
    assert_eq!(out("echo -e 'a\\nb'"), "a\nb\n");
    assert_eq!(out("echo 'it'\\''s'"), "it's\n");
    assert_eq!(out("echo \"a\\$b\\\\c\\x\""), "a$b\\c\\x\n");
    assert_eq!(out("echo a # comment"), "a\n");
    assert_eq!(out("echo a \\\n  b"), "a b\n");
}

#[test]
fn variables_and_expansion() {
    assert_eq!(out("X=1; echo $X ${X} \"$X\""), "1 1 1\n");
    assert_eq!(out("echo ${NOPE:-def} ${#HOME}"), "def 14\n");
    assert_eq!(out("F=file.tar.gz; echo ${F%.*} ${F%%.*} ${F#*.} ${F##*.}"), "file.tar file tar.gz gz\n");
    assert_eq!(out("X='a   b'; echo $X; echo \"$X\""), "a b\na   b\n");
    assert_eq!(out("X='a b'; for w in $X; do echo [$w]; done"), "[a]\n[b]\n");
    assert_eq!(out("echo $HOME ~ ~/x"), "/home/ec2-user /home/ec2-user /home/ec2-user/x\n");
    assert_eq!(out("echo $$"), format!("{SHELL_PID}\n"));
    assert_eq!(out("X=abc; echo ${X/b/B} ${X^^} ${X:1:1}"), "aBc ABC b\n");
    assert_eq!(out("unset HOME; echo \"[${HOME}]\""), "[]\n");
    assert_eq!(out("A=1 B=2; echo $A$B"), "12\n");
}

#[test]
fn env_prefix_and_export() {
    assert_eq!(out("X=1 getenv X; echo \"[$X]\""), "1\n[]\n");
    assert_eq!(out("Y=2; getenv Y; export Y; getenv Y"), "\n2\n");
    assert_eq!(out("export Z=3; env | grep ^Z="), "Z=3\n");
    let (mut s, mut f) = sh();
    s.run("export REGION=us-east-1", &mut f);
    assert_eq!(s.vars.get("REGION").map(|s| s.as_str()), Some("us-east-1"));
    assert!(s.exported.contains("REGION"));
    assert_eq!(s.run("echo $REGION", &mut f).stdout, "us-east-1\n");
}

#[test]
fn command_substitution() {
    assert_eq!(out("echo \"[$(echo hi)]\""), "[hi]\n");
    assert_eq!(out("X=$(printf 'a\\n\\n\\n'); echo \"$X.\""), "a.\n");
    assert_eq!(out("echo `echo back`"), "back\n");
    assert_eq!(out("echo $(echo $(echo nested))"), "nested\n");
    assert_eq!(out("X=$(false); echo $?"), "1\n");
    assert_eq!(out("$(echo echo) ok"), "ok\n");
    assert_eq!(out("echo hi > f; echo $(< f)"), "hi\n");
}

#[test]
fn pipes_and_lists() {
    assert_eq!(out("echo hello | tr a-z A-Z"), "HELLO\n");
    assert_eq!(out("printf 'b\\na\\nb\\n' | sort | uniq -c"), "      1 a\n      2 b\n");
    assert_eq!(out("true && echo yes || echo no"), "yes\n");
    assert_eq!(out("false && echo yes || echo no"), "no\n");
    assert_eq!(out("false; echo $?; true; echo $?"), "1\n0\n");
    assert_eq!(out("! false; echo $?"), "0\n");
    assert_eq!(out("echo a; echo b"), "a\nb\n");
    assert_eq!(out("(cd /tmp; pwd); pwd"), "/tmp\n/home/ec2-user\n");
    assert_eq!(out("{ echo a; echo b; } | wc -l"), "2\n");
    assert_eq!(out("echo x | stdin"), "x\n");
    assert_eq!(run("false | true").exit, 0);
    assert_eq!(run("true | false").exit, 1);
}

#[test]
fn unknown_command_and_exit() {
    let o = run("nosuchcmd arg");
    assert_eq!(o.stderr, "bash: nosuchcmd: command not found\n");
    assert_eq!(o.exit, 127);
    assert_eq!(out("nosuch 2>/dev/null; echo $?"), "127\n");
    let (mut s, mut f) = sh();
    let o = s.run("echo a; exit 3; echo b", &mut f);
    assert_eq!(o.stdout, "a\n");
    assert_eq!(o.exit, 3);
    assert!(s.exit_requested);
    let (mut s, mut f) = sh();
    let o = s.run("(exit 4); echo $?", &mut f);
    assert_eq!(o.stdout, "4\n");
    assert!(!s.exit_requested);
    assert_eq!(out("/usr/bin/echo hi"), "hi\n");
    assert_eq!(run("fail").exit, 3);
    assert_eq!(out("aws ec2 describe-instances --region \"$X\""), "aws|ec2|describe-instances|--region|\n");
}

#[test]
fn redirections() {
    assert_eq!(out("echo hi > f.txt; cat f.txt; echo more >> f.txt; cat f.txt"), "hi\nhi\nmore\n");
    assert_eq!(run("cat nope.txt").stderr, "cat: nope.txt: No such file or directory\n");
    assert_eq!(run("cat nope.txt 2>/dev/null").stderr, "");
    let o = run("cat nope 2>&1");
    assert_eq!(o.stdout, "cat: nope: No such file or directory\n");
    assert_eq!(o.stderr, "");
    // Order matters: 2>&1 >f sends stderr to the terminal.
    let o = run("cat nope 2>&1 >f; cat f");
    assert_eq!(o.stdout, "cat: nope: No such file or directory\n");
    let o = run("cat nope >f 2>&1; cat f");
    assert_eq!(o.stdout, "cat: nope: No such file or directory\n");
    assert_eq!(o.stderr, "");
    let o = run("echo err >&2");
    assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", "err\n"));
    let o = run("echo err 1>&2");
    assert_eq!(o.stderr, "err\n");
    let o = run("{ echo o; cat nope; } &> all; cat all");
    assert_eq!(o.stdout, "o\ncat: nope: No such file or directory\n");
    assert_eq!(out("echo data > in; tr a-z A-Z < in"), "DATA\n");
    assert_eq!(run("echo x > /nodir/f").stderr, "bash: /nodir/f: No such file or directory\n");
    assert_eq!(out("echo gone > /dev/null; cat /dev/null"), "");
    assert_eq!(out("> empty; wc -c empty"), "0 empty\n");
}

#[test]
fn heredocs() {
    assert_eq!(out("X=v\ncat <<EOF\na $X\nEOF"), "a v\n");
    assert_eq!(out("X=v\ncat <<'EOF'\na $X\nEOF"), "a $X\n");
    assert_eq!(out("cat <<-EOF\n\tindented\n\tEOF"), "indented\n");
    assert_eq!(out("tr a-z A-Z <<< \"hi there\""), "HI THERE\n");
    assert_eq!(out("cat > f.json <<EOF\n{\"a\": 1}\nEOF\njq .a f.json"), "1\n");
}

#[test]
fn control_flow() {
    assert_eq!(out("if true; then echo y; else echo n; fi"), "y\n");
    assert_eq!(out("if false; then echo 1; elif true; then echo 2; else echo 3; fi"), "2\n");
    assert_eq!(out("for i in 1 2 3; do echo $i; done"), "1\n2\n3\n");
    assert_eq!(out("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done"), "0\n1\n2\n");
    assert_eq!(out("for i in 1 2 3 4; do if [ $i = 3 ]; then break; fi; echo $i; done"), "1\n2\n");
    assert_eq!(out("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done"), "1\n3\n");
    assert_eq!(out("case foo.txt in *.txt) echo text;; *) echo other;; esac"), "text\n");
    assert_eq!(out("case x in a|b) echo ab;; *) echo default;; esac"), "default\n");
    let o = run("while true; do :; done; echo after");
    assert!(o.stderr.contains("loop limit"));
    assert_eq!(o.stdout, "after\n");
    assert_eq!(out("printf 'a b\\nc d\\n' | while read x y; do echo \"$y-$x\"; done"), "b-a\nd-c\n");
    assert_eq!(out("f() { echo \"arg:$1\"; return 3; }; f one; echo $?"), "arg:one\n3\n");
    assert_eq!(out("for ((i=0;i<3;i++)); do echo $i; done"), "0\n1\n2\n");
}

#[test]
fn tests_and_arith() {
    assert_eq!(out("[ -d /tmp ] && echo dir"), "dir\n");
    assert_eq!(out("[ -f /etc/hostname ] && echo file"), "file\n");
    assert_eq!(out("[ -e /nope ] || echo missing"), "missing\n");
    assert_eq!(out("[ -z \"\" ] && [ -n x ] && echo ok"), "ok\n");
    assert_eq!(out("[ a = a ] && [ a != b ] && [ 2 -gt 1 ] && [ 1 -le 1 ] && echo ok"), "ok\n");
    assert_eq!(out("test 1 -eq 2; echo $?"), "1\n");
    assert_eq!(out("[[ foo.txt == *.txt ]] && echo m"), "m\n");
    assert_eq!(out("[[ -n $UNSET ]] || echo empty"), "empty\n");
    assert_eq!(out("[[ abc =~ ^a.c$ ]] && echo re"), "re\n");
    assert_eq!(out("echo $((2+3*4)) $((10/3)) $((10%3)) $((2**10))"), "14 3 1 1024\n");
    assert_eq!(out("X=5; echo $((X*2)) $(($X+1))"), "10 6\n");
    let o = run("echo $((1/0))");
    assert!(o.stderr.contains("division by 0"));
    assert_eq!(o.exit, 1);
    assert_eq!(run("[ 1 -eq 1").exit, 2);
}

#[test]
fn globbing() {
    let o = out("mkdir d; cd d; touch b.txt a.txt c.log; echo *.txt; echo *.md; echo '*.txt'; ls");
    assert_eq!(o, "a.txt b.txt\n*.md\n*.txt\na.txt  b.txt  c.log\n");
    assert_eq!(out("touch /tmp/x1 /tmp/x2; echo /tmp/x?"), "/tmp/x1 /tmp/x2\n");
}

#[test]
fn parse_errors_and_unsupported() {
    let o = run("echo )");
    assert_eq!(o.stderr, "bash: syntax error near unexpected token `)'\n");
    assert_eq!(o.exit, 2);
    let o = run("sleep 5 &");
    assert!(o.stderr.contains("not supported"));
    assert_ne!(o.exit, 0);
    let o = run("cat <(echo x)");
    assert!(o.stderr.contains("process substitution"));
    assert!(run("echo 'unterminated").stderr.contains("unexpected EOF"));
}

#[test]
fn more_input() {
    assert!(needs_more_input("echo 'abc"));
    assert!(needs_more_input("echo \"abc"));
    assert!(needs_more_input("echo abc \\"));
    assert!(needs_more_input("echo a |"));
    assert!(needs_more_input("true &&"));
    assert!(needs_more_input("false ||"));
    assert!(needs_more_input("if true; then"));
    assert!(needs_more_input("for i in 1 2; do"));
    assert!(needs_more_input("while true; do echo"));
    assert!(needs_more_input("cat <<EOF\nhello"));
    assert!(needs_more_input("echo $(echo"));
    assert!(!needs_more_input("echo hi"));
    assert!(!needs_more_input("echo )"));
    assert!(!needs_more_input(""));
    assert!(!needs_more_input("cat <<EOF\nhello\nEOF"));
}

#[test]
fn coreutils() {
    assert_eq!(out("printf '%s-%d\\n' a 1 b 2"), "a-1\nb-2\n");
    assert_eq!(out("printf '%5s|%-3s|%03d\\n' ab c 7"), "   ab|c  |007\n");
    assert_eq!(out("printf 'x\\n' | cat -n"), "     1\tx\n");
    assert_eq!(out("seq 3"), "1\n2\n3\n");
    assert_eq!(out("seq 2 2 6"), "2\n4\n6\n");
    assert_eq!(out("seq 5 | head -n 2; seq 5 | tail -2; seq 5 | head -3 | tail -n +2"), "1\n2\n4\n5\n2\n3\n");
    assert_eq!(out("printf 'a b\\nc\\n' | wc -l"), "2\n");
    assert_eq!(out("printf 'a b\\nc\\n' | wc"), "      2       3       6\n");
    assert_eq!(out("echo a,b,c | cut -d, -f2"), "b\n");
    assert_eq!(out("echo a,b,c | cut -d, -f1,3"), "a,c\n");
    assert_eq!(out("echo hello | cut -c2-4"), "ell\n");
    assert_eq!(out("echo hello | tr -d l"), "heo\n");
    assert_eq!(out("echo 'a   b' | tr -s ' '"), "a b\n");
    assert_eq!(out("echo abc | tr abc xyz"), "xyz\n");
    assert_eq!(out("printf '10\\n9\\n100\\n' | sort -n"), "9\n10\n100\n");
    assert_eq!(out("printf '10\\n9\\n100\\n' | sort"), "10\n100\n9\n");
    assert_eq!(out("printf 'b\\na\\nb\\n' | sort -ru"), "b\na\n");
    assert_eq!(out("printf 'x 3\\ny 1\\n' | sort -k2 -n"), "y 1\nx 3\n");
    assert_eq!(out("echo -n hello | base64"), "aGVsbG8=\n");
    assert_eq!(out("echo hello | base64 | base64 -d"), "hello\n");
    assert_eq!(out("echo hello | base64 -w0"), "aGVsbG8K", "GNU base64 -w0 ends without a newline");
    assert_eq!(out("printf 'foo\\nbar\\nFoo\\n' | grep -i foo"), "foo\nFoo\n");
    assert_eq!(out("printf 'foo\\nbar\\n' | grep -v foo"), "bar\n");
    assert_eq!(out("printf 'foo\\nbar\\nfoo\\n' | grep -c foo"), "2\n");
    assert_eq!(out("printf 'a1\\nb22\\n' | grep -oE '[0-9]+'"), "1\n22\n");
    assert_eq!(out("printf 'a\\nb\\n' | grep -n b"), "2:b\n");
    assert_eq!(run("echo a | grep -q b").exit, 1);
    assert_eq!(out("basename /a/b/c.txt .txt; dirname /a/b/c.txt"), "c\n/a/b\n");
    assert_eq!(out("whoami; hostname; uname; uname -m"), "ec2-user\nip-10-0-0-1\nLinux\nx86_64\n");
    assert_eq!(out("echo a b c | xargs -n1 echo"), "a\nb\nc\n");
    assert_eq!(out("echo hi | tee t.txt; cat t.txt"), "hi\nhi\n");
    assert_eq!(out("mkdir -p a/b && touch a/b/c && cp -r a z && ls z/b && mv z y && ls"), "c\na  y\n");
    assert_eq!(run("mkdir x/y").stderr, "mkdir: cannot create directory 'x/y': No such file or directory\n");
    assert_eq!(run("rm nope").stderr, "rm: cannot remove 'nope': No such file or directory\n");
    assert_eq!(run("rm -f nope").exit, 0);
    assert_eq!(run("ls -z").exit, 2);
    assert_eq!(run("ls -z").stderr, "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n");
}

#[test]
fn chmod_and_ls_long() {
    let (mut s, mut f) = sh();
    let o = s.run("touch key.pem; chmod 400 key.pem; ls -l key.pem", &mut f);
    assert_eq!(o.stdout, "-r-------- 1 ec2-user ec2-user 0 Jan  5 09:00 key.pem\n");
    assert_eq!(f.fs.mode("/home/ec2-user/key.pem"), Some(0o400));
    s.run("chmod u+x key.pem", &mut f);
    assert_eq!(f.fs.mode("/home/ec2-user/key.pem"), Some(0o500));
    s.run("chmod go+r key.pem", &mut f);
    assert_eq!(f.fs.mode("/home/ec2-user/key.pem"), Some(0o544));
    s.run("echo '#!/bin/bash' > s.sh; echo 'echo script $1' >> s.sh", &mut f);
    assert_eq!(s.run("./s.sh a", &mut f).exit, 126);
    s.run("chmod +x s.sh", &mut f);
    assert_eq!(s.run("./s.sh a", &mut f).stdout, "script a\n");
    assert_eq!(s.run("bash s.sh b", &mut f).stdout, "script b\n");
}

#[test]
fn date_and_sleep_use_clock() {
    let (mut s, mut f) = sh();
    assert_eq!(s.run("date", &mut f).stdout, "Mon Jan  5 09:00:00 UTC 2026\n");
    assert_eq!(s.run("date -u +%Y-%m-%dT%H:%M:%SZ", &mut f).stdout, "2026-01-05T09:00:00Z\n");
    s.run("sleep 90", &mut f);
    assert_eq!(f.now, crate::clock::EPOCH_START_MS + 90_000);
    assert_eq!(s.run("date +%s", &mut f).stdout, format!("{}\n", (crate::clock::EPOCH_START_MS + 90_000) / 1000));
    s.run("sleep 2m", &mut f);
    assert_eq!(s.run("date +%H:%M:%S", &mut f).stdout, "09:03:30\n");
    let o = s.run("sleep x", &mut f);
    assert_eq!(o.stderr, "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n");
    assert_eq!(o.exit, 1);
    assert_eq!(s.run("date -d @0 +%F", &mut f).stdout, "1970-01-01\n");
}

#[test]
fn jq_formats() {
    let j = r#"echo '{"a":1,"b":[1,2],"c":"x","d":{}}' | "#;
    assert_eq!(out(&format!("{j} jq .")), "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ],\n  \"c\": \"x\",\n  \"d\": {}\n}\n");
    assert_eq!(out(&format!("{j} jq -c .")), "{\"a\":1,\"b\":[1,2],\"c\":\"x\",\"d\":{}}\n");
    assert_eq!(out(&format!("{j} jq -r .c")), "x\n");
    assert_eq!(out(&format!("{j} jq .c")), "\"x\"\n");
    assert_eq!(out(&format!("{j} jq '.b[]'")), "1\n2\n");
    assert_eq!(out("jq -n '[1,2] | length'"), "2\n");
    assert_eq!(out("jq -nc '[range(3)], [range(1;3)], [range(0;10;4)]'"), "[0,1,2]\n[1,2]\n[0,4,8]\n");
    assert_eq!(run("jq -n '[range(1e9)] | length'").exit, 5);
    assert_eq!(out("jq -n --arg v hi '{x: $v}' -c"), "{\"x\":\"hi\"}\n");
    assert_eq!(out("printf '1 2 3' | jq -s -c ."), "[1,2,3]\n");
    let o = run("echo '{' | jq .");
    assert_eq!(o.exit, 2);
    let o = run("jq -n '.a.b.c = ' ");
    assert_eq!(o.exit, 3);
    let o = run("echo 1 | jq '.a'");
    assert_eq!(o.exit, 5);
    assert!(o.stderr.starts_with("jq: error (at <stdin>"));
    assert_eq!(run("echo null | jq -e .").exit, 1);
}

#[test]
fn builtins_misc() {
    assert_eq!(out("cd /tmp && pwd && cd - && cd"), "/tmp\n/home/ec2-user\n");
    assert_eq!(run("cd /nope").stderr, "bash: cd: /nope: No such file or directory\n");
    assert_eq!(out("type cd; type ls; command -v aws"), "cd is a shell builtin\nls is /usr/bin/ls\n/usr/bin/aws\n");
    assert_eq!(out("echo 'export A=5' > rc; source rc; echo $A"), "5\n");
    assert_eq!(out("read a b <<< 'x y z'; echo $b"), "y z\n");
    assert_eq!(out("eval 'echo ev'"), "ev\n");
    assert_eq!(out("alias ll='ls -1'; mkdir q; cd q; touch f; ll"), "f\n");
    assert_eq!(out("set -- a b; echo $# $2"), "2 b\n");
}

#[test]
fn fs_basics() {
    let fs = Fs::linux("ec2-user", "/home/ec2-user");
    assert!(fs.is_file("/etc/os-release"));
    assert!(fs.is_dir("/var/log"));
}

#[test]
fn hostile_inputs_never_panic() {
    let mut cases: Vec<String> = vec![
        "'".into(), "\"".into(), "$(".into(), "${".into(), "`".into(), "$((".into(), "((".into(), "))".into(),
        "echo $((1/0))".into(), "echo $((2**-1))".into(), "echo $((9223372036854775807+1))".into(),
        "echo $((-9223372036854775807-1))/-1".into(), "echo $(( (-9223372036854775807-1) / -1 ))".into(),
        "echo ${x:99999999999999999999}".into(), "echo ${x:-1:-1}".into(), "echo ${#}".into(), "echo ${!}".into(),
        "echo ${@}".into(), "echo ${x/}".into(), "echo ${x//[/}".into(), "echo [[[[".into(), "echo [!".into(),
        "cat <<".into(), "cat <<EOF".into(), "echo > ".into(), "echo 2>&".into(), "echo >&3".into(), "echo 99>f".into(),
        "exec 3>&1".into(), "echo hi >| f".into(), "echo hi <> f".into(), "cat < /".into(), "echo > /".into(),
        "\u{0}".into(), "echo \u{0}".into(), "é'ç\"ü$".into(), "echo ${é}".into(), "echo $é".into(),
        "f() { f; }; f".into(), "seq 1 1000000000000".into(), "yes | head -n 3".into(), "yes".into(),
        "printf '%*d' 999999999 1".into(), "printf '%.999999999f' 1".into(), "printf %".into(), "printf '%z'".into(),
        "head -n 99999999999999999999999".into(), "tail -c -5 /etc/hostname".into(), "tr".into(), "tr 'z-a' x".into(),
        "cut -f0".into(), "cut -f 3-1".into(), "sort -k".into(), "sort -k 0".into(), "date -d @-1".into(),
        "date -d @99999999999999999".into(), "sleep 99999999999999999999".into(), "sleep -1".into(),
        "x=y; while :; do x=$x$x; done".into(), "for i in $(seq 100000); do :; done".into(),
        "jq".into(), "jq '['".into(), "jq -n 'def f: f; f'".into(), "jq -n 'repeat(1)'".into(), "echo '[1' | jq .".into(),
        "jq -n '[range(1e9)] | length'".into(),
        "grep '('".into(), "grep -E '('".into(), "grep -E 'a{99999}'".into(), "[[ a =~ ( ]]".into(),
        "base64 -d <<< '!!!'".into(), "chmod 999 x".into(), "chmod u+q /tmp".into(), "case".into(), "case x in".into(),
        "if".into(), "then".into(), "fi".into(), "done".into(), "}".into(), "{".into(), "( )".into(), "!".into(),
        "&&".into(), "||".into(), "|".into(), ";;".into(), "&".into(), ";".into(), "\\".into(), "$".into(),
        "cd ''".into(), "cd /etc/hostname".into(), "rm -rf /".into(), "mv / /tmp".into(), "cp -r / /tmp/x".into(),
        "mv /tmp /tmp/a".into(), "ls -la /".into(), "echo ~nobody ~+ ~-".into(), "exit abc".into(), "exit 99999999999".into(),
        "shift 99".into(), "break".into(), "continue 0".into(), "return".into(), "read".into(), "read -r".into(),
        "xargs".into(), "echo a | xargs -I".into(), "echo $((x=1, x+=2, x<<=70))".into(), "let".into(), "let 'x=('".into(),
        "echo ${x?}".into(), "echo ${x:?boom}".into(), "echo ${x=}".into(), "echo ${1=x}".into(),
        "a=(1 2 3); echo ${a[1]} ${a[@]} ${#a[@]}".into(), "echo {a,b}{c,d}".into(), "echo $RANDOM".into(),
        "coproc cat".into(), "time echo".into(), "echo $'\\x'".into(), "echo $'\\u{110000}'".into(), "echo $'\\U0011FFFF'".into(),
        "echo -e '\\0777'".into(), "printf '\\777'".into(), "printf '%d' 99999999999999999999".into(), "printf '%c' ''".into(),
        "test".into(), "[".into(), "[ ]".into(), "[ -f ]".into(), "[ 1 -eq ]".into(), "[ a -eq b ]".into(), "[[ ]]".into(),
    ];
    // Deep nesting.
    cases.push(format!("echo {}x{}", "$(echo ".repeat(60), ")".repeat(60)));
    cases.push(format!("echo {}x{}", "$(echo ".repeat(12), ")".repeat(12)));
    cases.push(format!("{}{}", "(".repeat(500), ")".repeat(500)));
    cases.push(format!("echo {}", "${x:-".repeat(300)));
    cases.push("echo $((".to_string() + &"(".repeat(300) + "1" + &")".repeat(300) + "))");
    cases.push(format!("echo {}", "x".repeat(200_000)));
    // Pseudo-random byte soup (deterministic).
    let alphabet: Vec<char> = "ab $'\"`\\(){}[]|&;<>*?~#=!-+%@:/.\n\t0123456789é\u{0}".chars().collect();
    let mut seed = 0x1234_5678_9abc_def0u64;
    for _ in 0..400 {
        let mut s = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 40) as usize;
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        cases.push(s);
    }
    for c in &cases {
        let (mut s, mut f) = sh();
        if std::env::var("SHELL_FUZZ_TRACE").is_ok() { eprintln!("CASE {:?}", c.chars().take(60).collect::<String>()); }
        let t0 = std::time::Instant::now();
        let o = s.run(c, &mut f);
        if t0.elapsed().as_millis() > 100 {
            eprintln!("SLOW {}ms: {:?}", t0.elapsed().as_millis(), c.chars().take(80).collect::<String>());
        }
        assert!(o.stdout.len() <= MAX_OUTPUT + 16 && o.stderr.len() <= MAX_OUTPUT + 16, "{c}");
        let t1 = std::time::Instant::now();
        let _ = needs_more_input(c);
        if t1.elapsed().as_millis() > 300 {
            eprintln!("SLOW needs_more_input {}ms: {:?}", t1.elapsed().as_millis(), c.chars().take(80).collect::<String>());
        }
    }
}
