// Lab 02 public tests: run `cargo test` in this folder for quick feedback.
//
// These tests are a study aid, not your grade: `grader check --lab
// 02-cosine-similarity` (from the course root) runs the scored cases, which
// include hidden ones. Every test below fails until you replace the todo!()s
// in src/lib.rs.
//
// The reference solution runs this same file (reference/02-cosine-similarity/
// tests/lab.rs includes it), so keep to `cosine_similarity::` paths here.

use cosine_similarity::{
    analogy, cosine_similarity, dot, l2_normalize, norm, top_k, toy_vocabulary, AnalogyAnswer,
    AnalogyError, Neighbor, SimilarityError, Vocabulary,
};

/// Scores are f32: compare with a small tolerance, not `==`.
fn assert_close(actual: f32, expected: f32) {
    let tolerance = 1e-6 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tolerance,
        "expected {expected}, got {actual}"
    );
}

/// Like `assert_close`, relative to the size of `expected` (for tiny values).
fn assert_relatively_close(actual: f32, expected: f32) {
    assert!(
        (actual - expected).abs() <= 1e-6 * expected.abs(),
        "expected {expected:e}, got {actual:e}"
    );
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    cosine_similarity(a, b).expect("a valid pair of vectors")
}

fn scaled(v: &[f32], factor: f32) -> Vec<f32> {
    v.iter().map(|x| x * factor).collect()
}

fn vocabulary(entries: &[(&str, &[f32])]) -> Vocabulary {
    let entries = entries
        .iter()
        .map(|(word, vector)| (word.to_string(), vector.to_vec()))
        .collect();
    Vocabulary::new(entries).expect("a valid vocabulary")
}

fn neighbors(pairs: &[(usize, f32)]) -> Vec<Neighbor> {
    pairs
        .iter()
        .map(|&(index, score)| Neighbor { index, score })
        .collect()
}

fn assert_same_neighbors(actual: &[Neighbor], expected: &[Neighbor]) {
    let indices = |list: &[Neighbor]| list.iter().map(|n| n.index).collect::<Vec<_>>();
    assert_eq!(indices(actual), indices(expected), "order of the indices");
    for (got, want) in actual.iter().zip(expected) {
        assert_close(got.score, want.score);
    }
}

fn answer(a: &str, b: &str, c: &str) -> AnalogyAnswer {
    analogy(&toy_vocabulary(), a, b, c).expect("a toy analogy")
}

// ---------------------------------------------------------------- dot, norm

#[test]
fn dot_multiplies_matching_elements_and_adds_them() {
    assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), Ok(32.0));
    assert_eq!(dot(&[1.0, -1.0], &[1.0, 1.0]), Ok(0.0));
}

#[test]
fn norm_is_the_length_of_the_vector() {
    assert_eq!(norm(&[3.0, 4.0]), Ok(5.0));
    assert_eq!(norm(&[-2.0]), Ok(2.0));
}

#[test]
fn norm_of_a_zero_vector_is_zero_not_an_error() {
    assert_eq!(norm(&[0.0, 0.0, 0.0]), Ok(0.0));
}

// ------------------------------------------------------------ cosine basics

#[test]
fn identical_vectors_have_similarity_one() {
    assert_close(cosine(&[0.3, -1.2, 2.5], &[0.3, -1.2, 2.5]), 1.0);
}

#[test]
fn opposite_vectors_have_similarity_minus_one() {
    assert_close(cosine(&[1.0, 2.0], &[-1.0, -2.0]), -1.0);
}

#[test]
fn orthogonal_vectors_have_similarity_zero() {
    assert_eq!(cosine(&[1.0, 0.0], &[0.0, 5.0]), 0.0);
    assert_eq!(cosine(&[1.0, 1.0, 0.0], &[1.0, -1.0, 3.0]), 0.0);
}

#[test]
fn similarity_is_dot_over_the_product_of_norms() {
    // 32 / (sqrt(14) * sqrt(77))
    assert_close(cosine(&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]), 0.974_631_85);
}

#[test]
fn similarity_is_symmetric() {
    let (a, b) = ([0.5, -2.0, 1.0], [3.0, 1.0, -0.25]);
    assert_eq!(cosine(&a, &b), cosine(&b, &a));
}

#[test]
fn scaling_a_vector_does_not_change_its_similarity() {
    let (a, b) = ([1.0, 2.0, 3.0], [4.0, -5.0, 6.0]);
    let expected = cosine(&a, &b);
    assert_close(cosine(&scaled(&a, 7.0), &b), expected);
    assert_close(cosine(&a, &scaled(&b, 0.01)), expected);
}

#[test]
fn similarity_never_leaves_minus_one_to_one() {
    // Rounding can make dot / (|a| |b|) come out a hair above 1 (in f32
    // arithmetic it does for these vectors): clamp it.
    for v in [[0.1, 0.1, 0.1], [0.1, 0.1, 0.3], [0.1, 0.2, 0.3]] {
        assert!(cosine(&v, &v) <= 1.0);
        assert!(cosine(&v, &scaled(&v, -1.0)) >= -1.0);
    }
}

#[test]
fn cat_is_closer_to_kitten_than_to_car() {
    let toy = toy_vocabulary();
    let word = |w: &str| toy.get(w).expect("a toy word");
    let kitten = cosine(word("cat"), word("kitten"));
    let car = cosine(word("cat"), word("car"));
    assert!(kitten > 0.8, "cat ~ kitten: {kitten}");
    assert!(car < 0.1, "cat ~ car: {car}");
}

// ------------------------------------------------------------------- errors

#[test]
fn vectors_of_different_lengths_are_rejected() {
    let mismatch = Err(SimilarityError::LengthMismatch { left: 2, right: 3 });
    assert_eq!(dot(&[1.0, 2.0], &[1.0, 2.0, 3.0]), mismatch);
    assert_eq!(cosine_similarity(&[1.0, 2.0], &[1.0, 2.0, 3.0]), mismatch);
}

#[test]
fn length_mismatch_is_reported_before_an_empty_vector() {
    let mismatch = Err(SimilarityError::LengthMismatch { left: 0, right: 1 });
    assert_eq!(dot(&[], &[1.0]), mismatch);
    assert_eq!(cosine_similarity(&[], &[1.0]), mismatch);
}

#[test]
fn empty_vectors_are_rejected() {
    let empty = SimilarityError::Empty;
    assert_eq!(dot(&[], &[]), Err(empty.clone()));
    assert_eq!(norm(&[]), Err(empty.clone()));
    assert_eq!(cosine_similarity(&[], &[]), Err(empty.clone()));
    assert_eq!(l2_normalize(&[]), Err(empty));
}

#[test]
fn a_zero_vector_has_no_direction_so_no_similarity() {
    let zero_norm = Err(SimilarityError::ZeroNorm);
    assert_eq!(cosine_similarity(&[0.0, 0.0], &[1.0, 2.0]), zero_norm);
    assert_eq!(cosine_similarity(&[1.0, 2.0], &[0.0, -0.0]), zero_norm);
}

#[test]
fn nan_and_infinity_are_rejected_with_their_index() {
    let nan = f32::NAN;
    let inf = f32::INFINITY;
    let at = |index| SimilarityError::NonFinite { index };
    assert_eq!(dot(&[1.0, nan], &[1.0, 1.0]), Err(at(1)));
    assert_eq!(norm(&[1.0, 2.0, -inf]), Err(at(2)));
    assert_eq!(cosine_similarity(&[1.0, 1.0], &[inf, 1.0]), Err(at(0)));
    assert_eq!(l2_normalize(&[1.0, nan, inf]), Err(at(1)));
}

#[test]
fn the_first_vector_is_checked_for_nan_before_the_second() {
    let a = [1.0, 1.0, f32::NAN];
    let b = [f32::NAN, 1.0, 1.0];
    let in_a = Err(SimilarityError::NonFinite { index: 2 });
    assert_eq!(dot(&a, &b), in_a);
    assert_eq!(cosine_similarity(&a, &b), in_a);
}

#[test]
fn nan_is_reported_before_a_zero_norm() {
    let non_finite = Err(SimilarityError::NonFinite { index: 1 });
    assert_eq!(cosine_similarity(&[0.0, 0.0], &[1.0, f32::NAN]), non_finite);
}

// ----------------------------------------------------------------- numerics

#[test]
fn huge_vectors_do_not_overflow() {
    // Each square is ~1e60: infinity in f32, an everyday number in f64.
    let a = [1e30, 2e30, 3e30];
    let b = [4e30, 5e30, 6e30];
    assert_close(cosine(&a, &b), 0.974_631_85);
    assert_relatively_close(norm(&[3e30, 4e30]).unwrap(), 5e30);
}

#[test]
fn tiny_vectors_do_not_underflow() {
    // Each square is ~1e-60: zero in f32, an everyday number in f64.
    let a = [1e-30, 2e-30, 3e-30];
    let b = [4e-30, 5e-30, 6e-30];
    assert_close(cosine(&a, &b), 0.974_631_85);
    assert_relatively_close(norm(&[3e-30, 4e-30]).unwrap(), 5e-30);
}

#[test]
fn huge_and_tiny_vectors_score_like_their_rescaled_versions() {
    let a = [0.2, -1.5, 3.0, 0.7];
    let b = [1.0, 0.5, 2.5, -4.0];
    let expected = cosine(&a, &b);
    for factor in [1e30, 1e-30] {
        assert_close(cosine(&scaled(&a, factor), &scaled(&b, factor)), expected);
        assert_close(cosine(&scaled(&a, factor), &b), expected);
    }
}

#[test]
fn dot_survives_products_larger_than_f32_max() {
    // 1e20 * 1e20 = 1e40 is infinity in f32, so an f32 sum gives inf - inf = NaN.
    assert_eq!(dot(&[1e20, 1e20], &[1e20, -1e20]), Ok(0.0));
}

// ---------------------------------------------------------------- normalise

#[test]
fn normalising_keeps_the_direction_and_makes_the_length_one() {
    let unit = l2_normalize(&[3.0, 4.0]).unwrap();
    assert_close(unit[0], 0.6);
    assert_close(unit[1], 0.8);
    assert_close(
        norm(&l2_normalize(&[1.0, -2.0, 3.0, 0.5]).unwrap()).unwrap(),
        1.0,
    );
}

#[test]
fn normalising_huge_and_tiny_vectors_works() {
    for factor in [1e30, 1e-30] {
        let unit = l2_normalize(&[3.0 * factor, -4.0 * factor]).unwrap();
        assert_close(unit[0], 0.6);
        assert_close(unit[1], -0.8);
    }
}

#[test]
fn cosine_of_normalised_vectors_is_their_dot_product() {
    let (a, b) = ([1.0, 2.0, 3.0], [4.0, -5.0, 6.0]);
    let (unit_a, unit_b) = (l2_normalize(&a).unwrap(), l2_normalize(&b).unwrap());
    assert_close(dot(&unit_a, &unit_b).unwrap(), cosine(&a, &b));
}

#[test]
fn normalising_a_zero_vector_is_an_error() {
    assert_eq!(l2_normalize(&[0.0, 0.0]), Err(SimilarityError::ZeroNorm));
}

// -------------------------------------------------------------------- top-k

fn small_corpus() -> Vec<Vec<f32>> {
    vec![
        vec![0.0, 1.0],  // 0: orthogonal to the query
        vec![1.0, 1.0],  // 1: 45 degrees away
        vec![-1.0, 0.0], // 2: opposite
        vec![3.0, 0.5],  // 3: close
        vec![2.0, 0.0],  // 4: same direction
    ]
}

#[test]
fn top_k_returns_the_most_similar_rows_first() {
    let found = top_k(&[1.0, 0.0], &small_corpus(), 3).unwrap();
    let expected = neighbors(&[(4, 1.0), (3, 0.986_393_9), (1, 0.707_106_77)]);
    assert_same_neighbors(&found, &expected);
}

#[test]
fn top_k_with_k_larger_than_the_corpus_returns_every_row() {
    let found = top_k(&[1.0, 0.0], &small_corpus(), 99).unwrap();
    let expected = neighbors(&[
        (4, 1.0),
        (3, 0.986_393_9),
        (1, 0.707_106_77),
        (0, 0.0),
        (2, -1.0),
    ]);
    assert_same_neighbors(&found, &expected);
}

#[test]
fn top_k_with_k_zero_or_an_empty_corpus_finds_nothing() {
    assert_eq!(top_k(&[1.0, 0.0], &small_corpus(), 0), Ok(vec![]));
    assert_eq!(top_k(&[1.0, 0.0], &[], 3), Ok(vec![]));
}

#[test]
fn top_k_breaks_ties_by_lower_index_first() {
    // Rows 1, 2 and 4 all point exactly along the query.
    let corpus = vec![
        vec![0.0, 1.0],
        vec![5.0, 0.0],
        vec![1.0, 0.0],
        vec![1.0, 1.0],
        vec![0.5, 0.0],
    ];
    let found = top_k(&[1.0, 0.0], &corpus, 4).unwrap();
    let expected = neighbors(&[(1, 1.0), (2, 1.0), (4, 1.0), (3, 0.707_106_77)]);
    assert_same_neighbors(&found, &expected);
    let first_two = top_k(&[1.0, 0.0], &corpus, 2).unwrap();
    assert_same_neighbors(&first_two, &expected[..2]);
}

#[test]
fn top_k_rejects_a_bad_query() {
    let corpus = small_corpus();
    assert_eq!(
        top_k(&[0.0, 0.0], &corpus, 2),
        Err(SimilarityError::ZeroNorm)
    );
    assert_eq!(top_k(&[], &corpus, 2), Err(SimilarityError::Empty));
    let non_finite = Err(SimilarityError::NonFinite { index: 1 });
    assert_eq!(top_k(&[1.0, f32::INFINITY], &corpus, 2), non_finite);
}

#[test]
fn top_k_reports_the_first_bad_row() {
    let corpus = vec![
        vec![1.0, 0.0],
        vec![1.0, 2.0, 3.0],
        vec![0.0, 0.0],
        vec![f32::NAN, 1.0],
    ];
    let mismatch = Err(SimilarityError::LengthMismatch { left: 2, right: 3 });
    assert_eq!(top_k(&[1.0, 1.0], &corpus, 1), mismatch);
    assert_eq!(
        top_k(&[1.0, 1.0], &corpus[2..], 1),
        Err(SimilarityError::ZeroNorm)
    );
    let non_finite = Err(SimilarityError::NonFinite { index: 0 });
    assert_eq!(top_k(&[1.0, 1.0], &corpus[3..], 1), non_finite);
}

#[test]
fn searching_the_toy_vocabulary_for_cat_finds_cats_first() {
    // Semantic search in miniature: the corpus is every toy word's vector.
    let toy = toy_vocabulary();
    let words: Vec<&str> = toy.words().collect();
    let corpus: Vec<Vec<f32>> = toy.iter().map(|(_, vector)| vector.to_vec()).collect();
    let query = toy.get("cat").expect("cat is a toy word");
    let found = top_k(query, &corpus, 3).unwrap();
    let nearest: Vec<&str> = found.iter().map(|n| words[n.index]).collect();
    assert_eq!(nearest, ["cat", "lion", "kitten"]);
}

// ------------------------------------------------------------------ analogy

#[test]
fn king_minus_man_plus_woman_is_queen() {
    assert_eq!(answer("king", "man", "woman").word, "queen");
}

#[test]
fn paris_minus_france_plus_italy_is_rome() {
    assert_eq!(answer("paris", "france", "italy").word, "rome");
}

#[test]
fn puppy_minus_dog_plus_cat_is_kitten() {
    assert_eq!(answer("puppy", "dog", "cat").word, "kitten");
}

#[test]
fn prince_minus_boy_plus_girl_is_princess() {
    assert_eq!(answer("prince", "boy", "girl").word, "princess");
}

#[test]
fn boy_minus_man_plus_woman_is_girl() {
    assert_eq!(answer("boy", "man", "woman").word, "girl");
}

#[test]
fn foal_minus_horse_plus_dog_is_puppy() {
    assert_eq!(answer("foal", "horse", "dog").word, "puppy");
}

#[test]
fn analogy_score_is_the_cosine_of_the_target_and_the_answer() {
    let toy = toy_vocabulary();
    let word = |w: &str| toy.get(w).expect("a toy word");
    let target: Vec<f32> = (0..word("king").len())
        .map(|i| word("king")[i] - word("man")[i] + word("woman")[i])
        .collect();
    let found = answer("king", "man", "woman");
    assert_close(found.score, cosine(&target, word("queen")));
    assert!(found.score < 1.0, "near queen, not exactly on it");
}

#[test]
fn analogy_never_answers_with_one_of_its_inputs() {
    // big - small + smaller lands almost on top of "big" (cosine 0.9999);
    // the answer must be the best word that is not an input.
    let vocab = vocabulary(&[
        ("big", &[10.0, 1.0]),
        ("small", &[0.0, 1.0]),
        ("smaller", &[0.0, 1.2]),
        ("other", &[1.0, 1.0]),
    ]);
    let found = analogy(&vocab, "big", "small", "smaller").unwrap();
    assert_eq!(found.word, "other");
}

#[test]
fn analogy_ties_go_to_the_earlier_word() {
    // "twin" and "twin_again" point the same way, so they score the same.
    let vocab = vocabulary(&[
        ("east", &[1.0, 0.0]),
        ("north", &[0.0, 1.0]),
        ("twin", &[1.0, 1.0]),
        ("twin_again", &[4.0, 4.0]),
    ]);
    let found = analogy(&vocab, "east", "north", "north").unwrap();
    assert_eq!(found.word, "twin");
    assert_close(found.score, 0.707_106_77);
}

#[test]
fn analogy_skips_words_whose_vector_is_zero() {
    let vocab = vocabulary(&[
        ("east", &[1.0, 0.0]),
        ("north", &[0.0, 1.0]),
        ("nothing", &[0.0, 0.0]),
        ("south", &[0.0, -1.0]),
    ]);
    assert_eq!(
        analogy(&vocab, "east", "north", "north").unwrap().word,
        "south"
    );
}

#[test]
fn analogy_reports_the_first_unknown_word() {
    let toy = toy_vocabulary();
    let unknown = |word: &str| Err(AnalogyError::UnknownWord(word.to_string()));
    assert_eq!(
        analogy(&toy, "king", "unicorn", "dragon"),
        unknown("unicorn")
    );
    assert_eq!(analogy(&toy, "emperor", "man", "woman"), unknown("emperor"));
    assert_eq!(analogy(&toy, "king", "man", "Woman"), unknown("Woman"));
}

#[test]
fn analogy_needs_a_word_besides_its_inputs() {
    let vocab = vocabulary(&[("a", &[1.0, 0.0]), ("b", &[0.0, 1.0]), ("c", &[1.0, 1.0])]);
    assert_eq!(
        analogy(&vocab, "a", "b", "c"),
        Err(AnalogyError::NoCandidates)
    );
}

#[test]
fn analogy_with_a_zero_target_is_a_similarity_error() {
    // a - b + c = [1, 1] - [2, 2] + [1, 1] = [0, 0]: no direction to search in.
    let vocab = vocabulary(&[
        ("a", &[1.0, 1.0]),
        ("b", &[2.0, 2.0]),
        ("c", &[1.0, 1.0]),
        ("d", &[1.0, 0.0]),
    ]);
    let zero = Err(AnalogyError::Similarity(SimilarityError::ZeroNorm));
    assert_eq!(analogy(&vocab, "a", "b", "c"), zero);
}
