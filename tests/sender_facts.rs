//! What a bundle says of its sender, taken at its word only as far as it
//! is right (issue 19, smaller points), through the real binary: a device
//! whose clock runs years ahead is named at the import; a team device set
//! up with the commune's name spelt otherwise is refused at the office in
//! one sentence that says how to end it, and the commune's bundle ends it.

mod common;

use common::{COMMUNE, Commune, refusal, stdout, tothon};

#[test]
fn versions_dated_years_ahead_are_taken_and_the_device_is_named() {
    let c = Commune::with_teams([3]);
    let team = c.team(3);
    // The team laptop's clock says 2029.
    stdout(
        tothon(&team)
            .env("TOTHON_NOW", "2029-03-01T09:00:00+07:00")
            .args(["case", "new", "--form", "activation", "--author", "Lan"])
            .args([
                "--set",
                "person_id=034090123456",
                "--set",
                "full_name=Nguyễn Văn An",
            ])
            .args(["--set", "birth_date=1/5/1990", "--set", "sex=Nam"])
            .args(["--set", "target_level=level2", "--set", "status=pending"])
            .args(["--set", "visit_date=28/02/2029", "--confirm"]),
    );
    let device = common::open(&team).device().unwrap().id;
    let bundle = c.export(&team, "out")[0].clone();
    let said = stdout(tothon(&c.commune()).args(["bundle", "import"]).arg(&bundle));
    assert!(
        said.contains("1 phiên bản mới")
            && said.contains(&format!(
                "Chú ý: 1 phiên bản của máy {device} ghi ngày sau hôm nay (muộn nhất 01/03/2029)"
            )),
        "{said}"
    );
    // Taken all the same: the team's work is not lost for a wrong clock.
    assert_eq!(common::open(&c.commune()).all_versions().unwrap().len(), 1);

    // A version of today says nothing of the kind.
    let c = Commune::with_teams([3]);
    common::save_activation(&c.team(3), "034090123456", "pending", &[]);
    let bundle = c.export(&c.team(3), "out")[0].clone();
    let said = stdout(tothon(&c.commune()).args(["bundle", "import"]).arg(&bundle));
    assert!(!said.contains("Chú ý"), "{said}");
}

/// Team 3's device set up as of commune `name` and trusted by `c`'s office;
/// it saves a case and its bundle goes to the office. Returns the refusal.
fn refused_with_commune_named(c: &Commune, name: &str) -> String {
    let team = c.team(3);
    stdout(
        tothon(&team)
            .args(["init", "team", "--commune", name, "--team", "3"])
            .arg("--commune-key")
            .arg(c.path("commune.pub")),
    );
    let public = c.path("team3.pub");
    std::fs::write(&public, stdout(tothon(&team).args(["key", "show"]))).unwrap();
    stdout(
        tothon(&c.commune())
            .args(["trust", "--team", "3"])
            .arg(&public),
    );
    common::save_activation(&team, "034090123456", "pending", &[]);
    let bundle = c.export(&team, "first")[0].clone();
    let out = tothon(&c.commune())
        .args(["bundle", "import"])
        .arg(&bundle)
        .output()
        .unwrap();
    refusal(&out)
}

#[test]
fn a_team_set_up_with_the_commune_name_spelt_otherwise_is_told_and_the_commune_bundle_ends_it() {
    let c = Commune::with_teams([]);
    let team = c.team(3);
    // The office takes its own spelling only.
    let line = refused_with_commune_named(&c, "Xa Tan Phong");
    assert!(
        line.contains("gói ghi tên xã «Xa Tan Phong», khác cách viết «Xã Tân Phong» của xã")
            && line.contains("nhập gói mới nhất của xã vào máy tổ"),
        "{line}"
    );
    assert!(
        common::open(&c.commune())
            .all_versions()
            .unwrap()
            .is_empty()
    );

    // The commune's bundle gives the team device the commune's spelling.
    let to_team = c.export_for_team(3, "to-team");
    stdout(tothon(&team).args(["bundle", "import"]).arg(&to_team[0]));
    assert_eq!(common::open(&team).commune().unwrap().name, COMMUNE);
    let bundle = c.export(&team, "again")[0].clone();
    let said = stdout(tothon(&c.commune()).args(["bundle", "import"]).arg(&bundle));
    assert!(said.contains("1 phiên bản mới"), "{said}");

    // A commune whose name differs only in its tone marks is another one.
    let other = Commune::with_teams([]);
    let line = refused_with_commune_named(&other, "Xã Tân Phòng");
    assert!(line.contains("«Xã Tân Phòng»"), "{line}");
}
