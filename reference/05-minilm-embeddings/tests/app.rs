//! The app (`minilm-reference`, given to students as `minilm`) run
//! in-process on the tiny model: every command, its output and exit codes.

use minilm_embeddings_reference::{app, tiny};

fn run(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = app::main(args.iter().map(|a| a.to_string()), &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn tiny_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    tiny::write_tiny_model(dir.path(), 5).unwrap();
    dir
}

#[test]
fn pairs_prints_the_lesson_pairs_with_similarities() {
    let model = tiny_dir();
    let (code, out, err) = run(&["pairs", "--model-dir", model.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("similarity  pair\n"), "{out}");
    assert!(out.contains("'cat' vs 'kitten'"), "{out}");
    let rows = out.lines().filter(|l| {
        l.trim_start()
            .starts_with(|c: char| c.is_ascii_digit() || c == '-')
    });
    assert_eq!(rows.count(), 5, "{out}");
}

#[test]
fn search_embed_and_map_work_on_a_corpus_file() {
    let model = tiny_dir();
    let model = model.path().to_str().unwrap();
    let work = tempfile::tempdir().unwrap();
    let corpus = work.path().join("corpus.txt");
    std::fs::write(&corpus, "the cat\nmy car\n\nthe river bank\n").unwrap();
    let corpus = corpus.to_str().unwrap();

    let (code, out, err) = run(&[
        "search",
        "the cat",
        "--corpus",
        corpus,
        "-k",
        "2",
        "--model-dir",
        model,
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("   1  1.000  the cat"), "{out}");

    let (code, out, err) = run(&["embed", corpus, "--model-dir", model]);
    assert_eq!(code, 0, "{err}");
    let items: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        items.as_array().unwrap().len(),
        3,
        "blank lines are skipped"
    );
    assert_eq!(items[2]["text"], "the river bank");
    assert_eq!(
        items[0]["embedding"].as_array().unwrap().len(),
        tiny::TINY_HIDDEN
    );

    let svg = work.path().join("map.svg");
    let (code, out, err) = run(&[
        "map",
        corpus,
        "--svg",
        svg.to_str().unwrap(),
        "--model-dir",
        model,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 texts"), "{out}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(text.matches("<circle").count(), 3);
}

#[test]
fn benchmark_texts_are_deterministic_and_lesson_sized() {
    let (code, out, _) = run(&["texts", "long", "--long", "4"]);
    assert_eq!(code, 0);
    let texts: Vec<String> = serde_json::from_str(&out).unwrap();
    assert_eq!(texts.len(), 4);
    let words = texts[0].split_whitespace().count();
    assert!((180..=220).contains(&words), "{words} words");
    assert_eq!(app::short_texts(256).len(), 256);
    assert_eq!(app::short_texts(3), app::short_texts(3));
}

#[test]
fn usage_errors_exit_2_and_model_errors_exit_1() {
    let (code, _, err) = run(&["frobnicate"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown command `frobnicate`"), "{err}");
    let (code, _, err) = run(&["search", "x"]);
    assert_eq!(code, 2, "{err}");
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["pairs", "--model-dir", empty.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("is not an all-MiniLM-L6-v2 folder"), "{err}");
    let (code, out, _) = run(&["help"]);
    assert_eq!(code, 0);
    assert!(out.contains("usage: minilm"));
}
