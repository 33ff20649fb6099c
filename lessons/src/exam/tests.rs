//! Seeded selection and shuffles, balance, answer validation, the score formula and pass mark,
//! time-out, and states that were tampered with.

use super::*;
use crate::Source;
use std::collections::HashMap;

/// A bank with topics `t-one` (10 questions, one of them "choose two"), `t-two` (3), `t-three`
/// (20) and `t-empty` (none).
fn bank() -> Catalog {
    let mut topics = String::from("format = 1\n");
    for (i, t) in ["t-one", "t-two", "t-three", "t-empty"].iter().enumerate() {
        topics.push_str(&format!("[[topics]]\nid = \"{t}\"\norder = {}\nsimulated = false\ntitle = \"{t}\"\nsummary = \"s\"\n", i + 1));
    }
    let mut qs = String::from("format = 1\n");
    for (t, n) in [("t-one", 10), ("t-two", 3), ("t-three", 20)] {
        for k in 0..n {
            let multiple = t == "t-one" && k == 0;
            qs.push_str(&format!("[[questions]]\nid = \"{t}-{k}\"\ntopic = \"{t}\"\ndifficulty = 1\nfact = \"f\"\nscenario = \"s{k}\"\n"));
            qs.push_str(if multiple { "kind = \"multiple\"\nchoose = 2\n" } else { "kind = \"single\"\n" });
            for o in 0..4 {
                let correct = o == 1 || (multiple && o == 3);
                qs.push_str(&format!("[[questions.options]]\ntext = \"{t}-{k} option {o}\"\ncorrect = {correct}\nwhy = \"why {o}\"\n"));
            }
        }
    }
    Catalog::from_sources(&[Source { path: "c/topics.toml".into(), text: topics }, Source { path: "c/questions/q.toml".into(), text: qs }]).expect("test bank is valid")
}

fn builtin() -> Catalog {
    Catalog::builtin().expect("built-in content is valid")
}

fn wrong_positions(q: &ShownQuestion) -> Vec<usize> {
    let mut w: Vec<usize> = (0..q.options.len()).filter(|p| !q.options[*p].correct).collect();
    w.truncate(q.choose);
    w
}

#[test]
fn practice_is_seeded_and_options_map_back_to_the_file() {
    let c = builtin();
    let a = Practice::new(&c, Some("ec2-basics"), 11).unwrap();
    assert_eq!(a, Practice::new(&c, Some("ec2-basics"), 11).unwrap(), "same seed, same practice");
    let b = Practice::new(&c, Some("ec2-basics"), 12).unwrap();
    assert_ne!(a.questions.iter().map(|q| &q.id).collect::<Vec<_>>(), b.questions.iter().map(|q| &q.id).collect::<Vec<_>>());
    assert_eq!(a.len(), c.questions_for("ec2-basics").count());
    let mut moved = 0;
    for s in &a.questions {
        let q = c.questions.iter().find(|q| q.id == s.id).unwrap();
        let mut idx: Vec<usize> = s.options.iter().map(|o| o.index).collect();
        moved += idx.iter().enumerate().filter(|(p, i)| p != *i).count();
        for (p, o) in s.options.iter().enumerate() {
            assert_eq!(s.file_index(p), Some(o.index));
            assert_eq!(o.text, q.options[o.index].text);
            assert_eq!(o.correct, q.options[o.index].correct);
        }
        idx.sort();
        assert_eq!(idx, (0..q.options.len()).collect::<Vec<_>>(), "a permutation");
    }
    assert!(moved > 0, "options are shuffled");
    // Every topic at once.
    let all = Practice::new(&c, None, 1).unwrap();
    assert_eq!(all.len(), c.questions.len());
}

#[test]
fn practice_feedback_and_flow() {
    let c = bank();
    assert_eq!(Practice::new(&c, Some("nope"), 1), Err(ExamError::UnknownTopic("nope".into())));
    assert_eq!(Practice::new(&c, Some("t-empty"), 1), Err(ExamError::NoQuestions(Some("t-empty".into()))));
    let mut p = Practice::new(&c, Some("t-two"), 5).unwrap();
    p.limit(2);
    assert_eq!(p.len(), 2);
    let q = p.current().unwrap().clone();
    let fb = p.answer(&wrong_positions(&q)).unwrap();
    assert!(!fb.correct);
    assert_eq!(fb.correct_options, q.correct_positions());
    assert_eq!(fb.options.len(), 4);
    assert!(fb.options.iter().all(|o| o.why.starts_with("why ")));
    let file_chosen: Vec<usize> = fb.chosen.iter().map(|&p| q.options[p].index).collect();
    assert_eq!(fb.chosen_indexes(), { let mut v = file_chosen; v.sort(); v });
    assert_eq!(p.answer(&q.correct_positions()), Err(ExamError::AlreadyAnswered));
    let q2 = p.next_question().unwrap().clone();
    assert_eq!(p.answer(&[0, 1]), Err(ExamError::WrongCount { expected: 1, got: 2 }), "an error, not an answer");
    assert!(p.answer(&q2.correct_positions()).unwrap().correct);
    assert_eq!(p.score(), (1, 2));
    assert!(p.next_question().is_none() && p.is_finished());
    assert!(p.next_question().is_none());
    assert_eq!(p.answer(&[0]), Err(ExamError::NoSuchQuestion(2)));
}

#[test]
fn multiple_answer_questions_need_exactly_choose_options() {
    let c = bank();
    let e = Exam::new(&c, 10, 3, &["t-one"], 0).unwrap();
    let q = e.questions.iter().find(|q| q.multiple).unwrap().clone();
    assert_eq!(q.choose, 2);
    let right = q.correct_positions();
    assert_eq!(right.len(), 2);
    assert_eq!(q.check(&right[..1]), Err(ExamError::WrongCount { expected: 2, got: 1 }));
    assert_eq!(q.check(&[0, 1, 2]), Err(ExamError::WrongCount { expected: 2, got: 3 }));
    assert_eq!(q.check(&[]), Err(ExamError::WrongCount { expected: 2, got: 0 }));
    assert_eq!(q.check(&[0, 9]), Err(ExamError::NoSuchOption(9)));
    assert_eq!(q.check(&[1, 1]), Err(ExamError::Duplicate(1)));
    assert_eq!(ExamError::WrongCount { expected: 2, got: 1 }.to_string(), "choose exactly two options (you chose 1)");
    assert!(q.check(&[right[1], right[0]]).unwrap().correct, "order does not matter");
    let half = vec![right[0], wrong_positions(&q)[0]];
    let fb = q.check(&half).unwrap();
    assert!(!fb.correct, "no partial credit");
    let mut sorted = half.clone();
    sorted.sort();
    assert_eq!(fb.chosen, sorted);
}

#[test]
fn exam_selection_is_seeded_and_balanced() {
    let c = bank();
    let a = Exam::new(&c, 20, 9, &[], 0).unwrap();
    assert_eq!(a, Exam::new(&c, 20, 9, &[], 0).unwrap());
    assert_ne!(a.questions, Exam::new(&c, 20, 10, &[], 0).unwrap().questions);
    assert_eq!(a.topics, vec!["t-one", "t-two", "t-three"], "topics with questions, curriculum order");
    for seed in 0..40 {
        for (len, expect) in [(10, [(3, 4), (3, 3), (3, 4)]), (20, [(8, 9), (3, 3), (8, 9)])] {
            let e = Exam::new(&c, len, seed, &[], 0).unwrap();
            assert_eq!(e.len(), len);
            let mut per: HashMap<&str, usize> = HashMap::new();
            for q in &e.questions {
                *per.entry(q.topic.as_str()).or_default() += 1;
            }
            for (t, (lo, hi)) in ["t-one", "t-two", "t-three"].iter().zip(expect) {
                let n = per.get(t).copied().unwrap_or(0);
                assert!((lo..=hi).contains(&n), "seed {seed}, length {len}: {t} has {n}");
            }
            let mut ids: Vec<&str> = e.questions.iter().map(|q| q.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), len, "no question twice");
        }
    }
    // Too few questions: all of them, and it says so; the time scales with what is there.
    let e = Exam::new(&c, 65, 1, &[], 0).unwrap();
    assert_eq!((e.len(), e.requested, e.time_limit_minutes()), (33, 65, 66));
    assert_eq!(e.shortfall().unwrap(), "The question bank has only 33 questions for this exam, not 65: the exam uses all of them (66 minutes).");
    assert!(Exam::new(&c, 20, 1, &[], 0).unwrap().shortfall().is_none());
    // A topic filter.
    let e = Exam::new(&c, 10, 1, &["t-two", "t-empty"], 0).unwrap();
    assert!(e.questions.iter().all(|q| q.topic == "t-two") && e.len() == 3);
    assert_eq!(Exam::new(&c, 10, 1, &["t-empty"], 0), Err(ExamError::NoQuestions(Some("t-empty".into()))));
    assert_eq!(Exam::new(&c, 10, 1, &["zzz"], 0), Err(ExamError::UnknownTopic("zzz".into())));
    assert_eq!(Exam::new(&c, 15, 1, &[], 0), Err(ExamError::BadLength(15)));
    assert_eq!(Exam::new(&Catalog::default(), 10, 1, &[], 0), Err(ExamError::NoQuestions(None)));
}

#[test]
fn time_limits_scale_like_the_real_exam() {
    assert_eq!([10, 20, 65].map(time_limit_minutes), [20, 40, 130]);
    assert_eq!(time_limit_minutes(31), 62);
    assert_eq!(time_limit_minutes(0), 0);
    let c = builtin();
    let e = Exam::new(&c, 10, 1, &[], 5_000).unwrap();
    assert_eq!((e.limit_ms, e.deadline_ms()), (20 * 60_000, 5_000 + 20 * 60_000));
    let e = Exam::new(&c, 65, 1, &[], 0).unwrap();
    assert_eq!(e.len(), c.questions.len().min(65));
}

#[test]
fn the_score_formula_and_the_pass_mark() {
    assert_eq!(scaled_score(0, 10), 100);
    assert_eq!(scaled_score(10, 10), 1000);
    assert_eq!(scaled_score(0, 0), 100);
    assert_eq!(scaled_score(99, 10), 1000, "clamped");
    assert_eq!([scaled_score(6, 10), scaled_score(7, 10)], [640, 730]);
    assert_eq!([scaled_score(13, 20), scaled_score(14, 20)], [685, 730]);
    assert_eq!([scaled_score(44, 65), scaled_score(45, 65)], [709, 723]);
    assert_eq!(scaled_score(1, 8), 213, "112.5 rounds up");
    for total in 1..=130usize {
        let mut last = 0;
        for c in 0..=total {
            let s = scaled_score(c, total);
            let exact = (100.0 + 900.0 * c as f64 / total as f64).round() as u32;
            assert_eq!(s, exact, "{c}/{total}");
            assert!(s >= last, "monotone");
            assert_eq!(passes(s), s >= 720);
            last = s;
        }
    }
    assert!(passes(720) && !passes(719));
}

#[test]
fn exam_scoring_passes_at_seven_of_ten() {
    let c = bank();
    for right in [6, 7] {
        let mut e = Exam::new(&c, 10, 4, &[], 0).unwrap();
        for i in 0..10 {
            let q = e.question(i).unwrap().clone();
            let pick = if i < right { q.correct_positions() } else { wrong_positions(&q) };
            e.answer(i, &pick, 1_000).unwrap();
        }
        let r = e.finish(2_000);
        assert_eq!((r.correct, r.answered, r.questions), (right, 10, 10));
        assert_eq!(r.scaled, if right == 7 { 730 } else { 640 });
        assert_eq!(r.passed, right == 7);
        assert_eq!(r.by_topic.iter().map(|t| t.total).sum::<usize>(), 10);
        assert_eq!(r.by_topic.iter().map(|t| t.correct).sum::<usize>(), right);
        assert_eq!(r.by_topic.iter().map(|t| t.topic.as_str()).collect::<Vec<_>>(), ["t-one", "t-two", "t-three"]);
        assert!(!r.timed_out);
        assert_eq!(r.finished_ms, 2_000);
        let saved = crate::progress::ExamResult::from(&r);
        assert_eq!((saved.taken_at_ms, saved.questions, saved.correct, saved.scaled_score, saved.passed), (2_000, 10, right as u32, r.scaled, r.passed));
        assert_eq!(saved.by_topic.values().map(|(_, t)| t).sum::<u32>(), 10);
    }
}

#[test]
fn answers_change_marks_and_review() {
    let c = bank();
    let mut e = Exam::new(&c, 10, 2, &[], 0).unwrap();
    let q0 = e.question(0).unwrap().clone();
    e.answer(0, &wrong_positions(&q0), 10).unwrap();
    assert!(!e.feedback(0).unwrap().correct);
    e.answer(0, &q0.correct_positions(), 20).unwrap();
    assert!(e.feedback(0).unwrap().correct, "the last answer counts");
    let q1 = e.question(1).unwrap().clone();
    e.answer(1, &q1.correct_positions(), 30).unwrap();
    e.clear_answer(1, 40).unwrap();
    assert_eq!(e.answer_of(1), None);
    assert_eq!(e.answer(2, &[], 50), Err(ExamError::WrongCount { expected: e.question(2).unwrap().choose, got: 0 }));
    assert_eq!(e.answer(10, &[0], 50), Err(ExamError::NoSuchQuestion(10)));
    e.mark_for_review(3).unwrap();
    e.mark_for_review(0).unwrap();
    e.unmark(0).unwrap();
    assert_eq!(e.mark_for_review(10), Err(ExamError::NoSuchQuestion(10)));
    let r = e.review();
    assert_eq!((r.answered, r.unanswered, r.marked), (1, 9, 1));
    assert!(r.items[0].answered && !r.items[0].marked && r.items[3].marked && !r.items[3].answered);
    let res = e.finish(100);
    assert_eq!((res.correct, res.answered), (1, 1));
    assert_eq!(e.answer(0, &q0.correct_positions(), 200), Err(ExamError::Finished));
    assert_eq!(e.mark_for_review(1), Err(ExamError::Finished));
    assert_eq!(e.finish(500), res, "finishing twice changes nothing");
    assert_eq!(e.result(), Some(res));
}

#[test]
fn time_runs_out() {
    let c = bank();
    let mut e = Exam::new(&c, 10, 1, &[], 1_000).unwrap();
    let deadline = 1_000 + 20 * 60_000;
    assert!(!e.is_over(deadline - 1));
    assert!(e.is_over(deadline));
    assert_eq!(e.remaining_ms(0), 20 * 60_000);
    assert_eq!(e.remaining_ms(deadline - 5), 5);
    let q = e.question(0).unwrap().clone();
    e.answer(0, &q.correct_positions(), deadline - 1).unwrap();
    assert_eq!(e.answer(1, &[0], deadline), Err(ExamError::TimeUp));
    assert_eq!(e.finished_ms, Some(deadline));
    assert!(e.timed_out);
    let r = e.result().unwrap();
    assert_eq!((r.correct, r.answered, r.finished_ms, r.timed_out), (1, 1, deadline, true));
    assert_eq!(e.remaining_ms(0), 0);

    // finish() well after the deadline is a time-out at the deadline; before the start, at the start.
    let mut e = Exam::new(&c, 10, 1, &[], 1_000).unwrap();
    let r = e.finish(u64::MAX);
    assert!(r.timed_out && r.finished_ms == deadline);
    let mut e = Exam::new(&c, 10, 1, &[], 1_000).unwrap();
    assert_eq!(e.finish(0).finished_ms, 1_000);
    // A start near the end of time does not overflow.
    let mut e = Exam::new(&c, 10, 1, &[], u64::MAX - 5).unwrap();
    assert_eq!(e.deadline_ms(), u64::MAX);
    let q = e.question(0).unwrap().clone();
    assert_eq!(e.answer(0, &q.correct_positions(), u64::MAX - 4), Ok(()));
    assert_eq!(e.remaining_ms(u64::MAX - 4), 4);
}

#[test]
fn tampered_states_do_not_panic() {
    let c = bank();
    let mut e = Exam::new(&c, 10, 1, &[], 0).unwrap();
    e.answers = vec![Some(vec![99, 1000]), Some(vec![]), None];
    e.marked.clear();
    e.topics = vec!["gone".into()];
    e.questions[4].options.clear();
    e.questions[5].choose = 0;
    let _ = e.review();
    let _ = e.feedback(0);
    assert_eq!(e.feedback(0), None);
    e.mark_for_review(9).unwrap();
    assert!(e.answer(4, &[0], 1).is_err());
    let _ = e.answer(5, &[], 1);
    let r = e.finish(10);
    assert_eq!(r.questions, 10);
    assert!(r.by_topic.iter().all(|t| t.total > 0));

    let mut p = Practice::new(&c, None, 1).unwrap();
    p.results.clear();
    p.position = usize::MAX;
    assert!(p.current().is_none());
    assert!(p.next_question().is_none());
    p.position = 0;
    let q = p.current().unwrap().clone();
    assert!(p.answer(&q.correct_positions()).unwrap().correct);
    assert_eq!(p.score(), (1, 1));
    p.limit(0);
    assert_eq!(p.len(), 1);
}

#[test]
fn typed_letters() {
    assert_eq!(parse_letters("b"), Ok(vec![1]));
    assert_eq!(parse_letters(" a,c "), Ok(vec![0, 2]));
    assert_eq!(parse_letters("A C"), Ok(vec![0, 2]));
    assert_eq!(parse_letters("bd"), Ok(vec![1, 3]));
    for bad in ["", " , ", "1", "a-b", "ä", "\u{0}"] {
        assert!(matches!(parse_letters(bad), Err(ExamError::Unreadable(_))), "{bad:?}");
    }
    assert_eq!(letters(&[0, 2]), "a, c");
    assert_eq!(letter(30), '?');
}
