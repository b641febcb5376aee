//! A form version a bundle brought, checked and not taken in, is not
//! saved with (its own test binary: the forms known to a process are the
//! process's, and this test opens a team's store in it).

mod common;

use common::{Commune, WATER, fails_listing, stdout, tothon, water_v2};

/// A version a bundle brought, checked and not taken in, is not saved
/// with: a case saved meanwhile is the version the device holds, and its
/// bundle is taken at the office.
#[test]
fn a_version_checked_but_not_taken_is_not_saved_with() {
    use tothon::domain::save::Consent;
    use tothon::ops::case::{IfCovered, create, who};
    let c = Commune::with_teams([3]);
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a1.json", WATER.as_bytes())),
    );
    let to_team = c.export_for_team(3, "to-team-1");
    stdout(tothon(&c.team(3)).args(["bundle", "import"]).args(&to_team));
    let people = r#"{"id": "people", "label": {"vi": "Số người", "en": "People"}, "kind": "number", "min": 0, "max": 99},
        {"id": "result""#;
    let a2 = water_v2(|s| s.replace(r#"{"id": "result""#, people));
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a2.json", a2.as_bytes())),
    );
    let to_team = c.export_for_team(3, "to-team-2");
    {
        let (store, _) = common::sitting(&c.team(3));
        let checked = tothon::ops::exchange::check_file(&store, &to_team[0]);
        assert!(checked.is_ok(), "{:?}", checked.err());
        let w = who(&store, "Tú".into()).unwrap();
        let values = |extra: &[(&str, &str)]| -> Vec<(String, String)> {
            [("head_name", "Lò Văn Sơn"), ("result", "clean")]
                .iter()
                .chain(extra)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let make = |v: &[(String, String)]| {
            create(
                &store,
                "water_check",
                None,
                None,
                v,
                Consent::default(),
                &w,
                IfCovered::MakeAnyway,
            )
        };
        assert!(
            make(&values(&[("people", "5")])).is_err(),
            "a field of version 2"
        );
        let saved = make(&values(&[])).unwrap();
        assert_eq!(saved.version.form_version, 1);
    }
    let from_team = c.export(&c.team(3), "from-team");
    stdout(
        tothon(&c.commune())
            .args(["bundle", "import"])
            .args(&from_team),
    );
}

/// A case's outcome stays itself when the next version orders the
/// choices otherwise; a form at the last version there is takes no next;
/// a line whose wording loops, or whose key is a shipped line's, is refused.
#[test]
fn versions_keep_outcomes_and_odd_specs_are_refused() {
    // A form of its own: the other test of this binary knows water_check.
    let tap = |s: &str| {
        s.replace("water_check", "tap_check")
            .replace(r#""code": "NS""#, r#""code": "TC""#)
    };
    let c = Commune::with_teams([]);
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a1.json", tap(WATER).as_bytes())),
    );
    stdout(tothon(&c.commune()).args([
        "case",
        "new",
        "--form",
        "tap_check",
        "--team",
        "1",
        "--set",
        "head_name=Lò Văn Sơn",
        "--set",
        "result=none",
    ]));
    let a2 = water_v2(|s| {
        let s = tap(&s);
        s.replace(
            r#"{"id": "clean", "vi""#,
            r#"{"id": "partial", "vi": "Một phần", "en": "Partly"}, {"id": "clean", "vi""#,
        )
    });
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("a2.json", a2.as_bytes())),
    );
    let store = common::open(&c.commune());
    let outcomes: Vec<_> = store
        .list_rows()
        .unwrap()
        .into_iter()
        .filter(|r| r.form == "tap_check")
        .map(|r| r.outcome)
        .collect();
    assert_eq!(outcomes, [Some("none")]);
    drop(store);

    let last = WATER
        .replace("water_check", "last_check")
        .replace(r#""code": "NS""#, r#""code": "LC""#)
        .replace(r#""version": 1"#, r#""version": 4294967295"#);
    stdout(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("l.json", last.as_bytes())),
    );
    let next = last
        .replace(r#""version": 4294967295,"#, "")
        .replace("Chủ hộ", "Chủ hộ gia đình");
    let err = fails_listing(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("l2.json", next.as_bytes())),
    );
    assert!(err.contains("phiên bản"), "{err}");

    let looping = WATER
        .replace("water_check", "loop_check")
        .replace(r#""code": "NS""#, r#""code": "LP""#)
        .replace(
            r#""blocked_when": []"#,
            r#""blocked_when": [], "report": [{"key": "loop",
            "short": {"vi": "Vòng", "en": "Loop"},
            "counts": {"n": {"form": "loop_check"}}, "value": "n",
            "vi": "Vòng {n}{with_target}", "en": "Loop {n}{with_target}",
            "with_target": {"vi": " {with_target}", "en": " {with_target}"}},
            {"key": "eid_level2", "short": {"vi": "Trùng", "en": "Clash"},
            "counts": {"n": {"form": "loop_check"}}, "value": "n", "vi": "{n}", "en": "{n}"}]"#,
        );
    let err = fails_listing(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("loop.json", looping.as_bytes())),
    );
    assert!(
        err.contains("dòng báo cáo thứ 1") && err.contains("with_target"),
        "{err}"
    );
    assert!(
        err.contains("dòng báo cáo thứ 2") && err.contains("eid_level2"),
        "{err}"
    );
}

/// A spec file that is not UTF-8 (saved as Windows-1258, say) is refused
/// saying so, with nothing taken.
#[test]
fn a_spec_not_in_utf8_is_refused() {
    let c = Commune::with_teams([]);
    let mut bytes = WATER.replace("Chủ hộ", "Chu ho").into_bytes();
    bytes.extend_from_slice(b"\n\xff");
    let err = fails_listing(
        tothon(&c.commune())
            .args(["form", "add"])
            .arg(c.write("x.json", &bytes)),
    );
    assert!(
        err.contains("UTF-8") && err.contains("chưa cài gì"),
        "{err}"
    );
}
