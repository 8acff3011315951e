use super::*;
use crate::proto::framer::{Event, Framer, Limits};

type Parsed = Result<Response<'static>, ParseError>;

/// Frame `feeds` in order, collecting frames (errors as `Err`).
fn frame_pieces(pieces: &[&[u8]]) -> Vec<Result<Vec<u8>, String>> {
    let mut f = Framer::new(Limits::default());
    let mut out = Vec::new();
    for p in pieces {
        f.feed(p);
        loop {
            match f.next_event() {
                Ok(Some(Event::Frame(fr))) => out.push(Ok(fr.to_vec())),
                Ok(Some(Event::LiteralChunk { .. })) => panic!("no streaming here"),
                Ok(None) => break,
                Err(e) => out.push(Err(e.to_string())),
            }
        }
    }
    assert_eq!(f.buffered(), 0, "bytes left over");
    out
}

fn parse_all(frames: &[Result<Vec<u8>, String>]) -> Vec<Parsed> {
    frames
        .iter()
        .map(|f| match f {
            Ok(f) => parse_response(f).map(Response::into_owned),
            Err(e) => Err(ParseError {
                offset: 0,
                message: e.clone(),
            }),
        })
        .collect()
}

/// Frame `input` whole, split in two at every position, and in 1-byte
/// feeds; all must give the same frames and the same parse results.
fn assert_frames_same(input: &[u8]) -> Vec<Parsed> {
    let whole = frame_pieces(&[input]);
    let parsed = parse_all(&whole);
    for k in 0..=input.len() {
        let (a, b) = input.split_at(k);
        assert_eq!(frame_pieces(&[a, b]), whole, "split at {k}");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let ones = frame_pieces(&bytes);
    assert_eq!(ones, whole, "1-byte feeds");
    assert_eq!(parse_all(&ones), parsed);
    parsed
}

/// One response: framed every way, parsed, must succeed.
fn one(input: &[u8]) -> Response<'static> {
    let mut v = assert_frames_same(input);
    assert_eq!(v.len(), 1, "one frame expected");
    match v.remove(0) {
        Ok(r) => r,
        Err(e) => panic!("{e} in {:?}", String::from_utf8_lossy(input)),
    }
}

fn untagged(input: &[u8]) -> Untagged<'static> {
    match one(input) {
        Response::Untagged(u) => u,
        r => panic!("not untagged: {r:?}"),
    }
}

fn fetch(input: &[u8]) -> (u32, Vec<FetchItem<'static>>) {
    match untagged(input) {
        Untagged::Fetch { seq, items } => (seq, items),
        u => panic!("not FETCH: {u:?}"),
    }
}

fn b(s: &str) -> Bytes<'static> {
    Cow::Owned(s.as_bytes().to_vec())
}

fn status(
    kind: StatusKind,
    code: Option<ResponseCode<'static>>,
    text: &str,
) -> StatusResponse<'static> {
    StatusResponse {
        kind,
        code,
        text: b(text),
    }
}

#[test]
fn greetings() {
    assert_eq!(
        untagged(b"* OK [CAPABILITY IMAP4rev1 IDLE] Dovecot ready.\r\n"),
        Untagged::Status(status(
            StatusKind::Ok,
            Some(ResponseCode::Capability(vec![b("IMAP4rev1"), b("IDLE")])),
            "Dovecot ready."
        ))
    );
    assert_eq!(
        untagged(b"* PREAUTH welcome\r\n"),
        Untagged::Status(status(StatusKind::PreAuth, None, "welcome"))
    );
    assert_eq!(
        untagged(b"* BYE shutting down\r\n"),
        Untagged::Status(status(StatusKind::Bye, None, "shutting down"))
    );
    // Lowercase keywords and a missing text.
    assert_eq!(
        untagged(b"* ok\r\n"),
        Untagged::Status(status(StatusKind::Ok, None, ""))
    );
}

#[test]
fn tagged_status() {
    assert_eq!(
        one(b"a1 OK [READ-WRITE] SELECT completed\r\n"),
        Response::Tagged {
            tag: b("a1"),
            status: status(
                StatusKind::Ok,
                Some(ResponseCode::ReadWrite),
                "SELECT completed"
            )
        }
    );
    assert_eq!(
        one(b"A2 no [TRYCREATE] no such mailbox\r\n"),
        Response::Tagged {
            tag: b("A2"),
            status: status(
                StatusKind::No,
                Some(ResponseCode::TryCreate),
                "no such mailbox"
            )
        }
    );
    assert_eq!(
        one(b"x BAD parse error\r\n"),
        Response::Tagged {
            tag: b("x"),
            status: status(StatusKind::Bad, None, "parse error")
        }
    );
    assert!(parse_response(b"a1 FOO bar\r\n").is_err());
}

fn code(s: &str) -> ResponseCode<'static> {
    let line = format!("* OK [{s}] t\r\n");
    match untagged(line.as_bytes()) {
        Untagged::Status(StatusResponse { code: Some(c), .. }) => c,
        u => panic!("{u:?}"),
    }
}

#[test]
fn response_codes() {
    use ResponseCode::*;
    assert_eq!(code("ALERT"), Alert);
    assert_eq!(code("BADCHARSET"), BadCharset(vec![]));
    assert_eq!(
        code("BADCHARSET (UTF-8 \"X\")"),
        BadCharset(vec![b("UTF-8"), b("X")])
    );
    assert_eq!(code("PARSE"), Parse);
    assert_eq!(
        code("PERMANENTFLAGS (\\Answered \\Deleted $Forwarded \\*)"),
        PermanentFlags(vec![
            Flag::Answered,
            Flag::Deleted,
            Flag::Keyword(b("$Forwarded")),
            Flag::MayCreate
        ])
    );
    assert_eq!(code("READ-ONLY"), ReadOnly);
    assert_eq!(code("read-write"), ReadWrite);
    assert_eq!(code("TRYCREATE"), TryCreate);
    assert_eq!(code("UIDNEXT 4392"), UidNext(4392));
    assert_eq!(code("UIDVALIDITY 3857529045"), UidValidity(3857529045));
    assert_eq!(code("UNSEEN 12"), Unseen(12));
    assert_eq!(
        code("APPENDUID 38505 3955"),
        AppendUid {
            uid_validity: 38505,
            uids: vec![(3955, 3955)]
        }
    );
    assert_eq!(
        code("COPYUID 38505 304,319:320 3956:3958"),
        CopyUid {
            uid_validity: 38505,
            source: vec![(304, 304), (319, 320)],
            dest: vec![(3956, 3958)]
        }
    );
    assert_eq!(
        code("HIGHESTMODSEQ 715194045007"),
        HighestModSeq(715194045007)
    );
    assert_eq!(code("NOMODSEQ"), NoModSeq);
    assert_eq!(code("MODIFIED 7,9"), Modified(vec![(7, 7), (9, 9)]));
    assert_eq!(code("CLOSED"), Closed);
    assert_eq!(code("AUTHENTICATIONFAILED"), AuthenticationFailed);
    assert_eq!(code("OVERQUOTA"), OverQuota);
    assert_eq!(
        code("MAILBOXID (F2212ea87-6097-4256-9d51-71338625)"),
        MailboxId(b("F2212ea87-6097-4256-9d51-71338625"))
    );
    // Bytes outside RFC 8474's object id (Cyrus 3.6 sends a pointer's
    // bytes as MAILBOXID in STATUS) are no id: kept raw.
    let line = b"* OK [MAILBOXID (2\x92[7\xf1U)] t\r\n";
    match untagged(line) {
        Untagged::Status(StatusResponse {
            code: Some(Other { name, .. }),
            ..
        }) => assert_eq!(name, b("MAILBOXID")),
        u => panic!("{u:?}"),
    }
    assert!(matches!(code("MAILBOXID (a.b)"), Other { .. }));
    assert!(matches!(
        code(&format!("MAILBOXID ({})", "a".repeat(256))),
        Other { .. }
    ));
    assert_eq!(
        code(&format!("MAILBOXID ({})", "a".repeat(255))),
        MailboxId(b(&"a".repeat(255)))
    );
    // Without its parentheses it is kept raw.
    assert_eq!(
        code("MAILBOXID F22"),
        Other {
            name: b("MAILBOXID"),
            args: Some(b("F22"))
        }
    );
    assert_eq!(
        code("X-FOO 1 (2)"),
        Other {
            name: b("X-FOO"),
            args: Some(b("1 (2)"))
        }
    );
    assert_eq!(
        code("WEBALERT"),
        Other {
            name: b("WEBALERT"),
            args: None
        }
    );
    // A known code with bad arguments is kept raw rather than failing.
    assert_eq!(
        code("UIDNEXT abc"),
        Other {
            name: b("UIDNEXT"),
            args: Some(b("abc"))
        }
    );
}

#[test]
fn continuation_requests() {
    let c = |s: &[u8]| match one(s) {
        Response::Continuation(c) => c,
        r => panic!("{r:?}"),
    };
    assert_eq!(c(b"+ Ready for literal\r\n").text, b("Ready for literal"));
    assert_eq!(
        c(b"+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEF\r\n").text,
        b("YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEF")
    );
    assert_eq!(c(b"+\r\n").text, b(""));
    assert_eq!(c(b"+ \r\n").text, b(""));
    let x = c(b"+ [ALERT] go on\r\n");
    assert_eq!(x.code, Some(ResponseCode::Alert));
    assert_eq!(x.text, b("go on"));
}

#[test]
fn capability_and_enabled() {
    assert_eq!(
        untagged(b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\n"),
        Untagged::Capability(vec![b("IMAP4rev1"), b("STARTTLS"), b("AUTH=PLAIN")])
    );
    // Trailing and doubled spaces.
    assert_eq!(
        untagged(b"* CAPABILITY IMAP4rev1  IDLE \r\n"),
        Untagged::Capability(vec![b("IMAP4rev1"), b("IDLE")])
    );
    assert_eq!(
        untagged(b"* ENABLED CONDSTORE QRESYNC\r\n"),
        Untagged::Enabled(vec![b("CONDSTORE"), b("QRESYNC")])
    );
}

#[test]
fn list_and_lsub() {
    assert_eq!(
        untagged(b"* LIST (\\HasNoChildren) \"/\" INBOX\r\n"),
        Untagged::List(ListItem {
            attributes: vec![b("\\HasNoChildren")],
            delimiter: Some(b'/'),
            mailbox: b("INBOX"),
            childinfo: vec![],
            old_name: None
        })
    );
    assert_eq!(
        untagged(b"* LIST () NIL \"\"\r\n"),
        Untagged::List(ListItem {
            attributes: vec![],
            delimiter: None,
            mailbox: b(""),
            childinfo: vec![],
            old_name: None
        })
    );
    assert_eq!(
        untagged(b"* LSUB (\\Noselect) \"\\\\\" {11}\r\nfoo\\bar baz\r\n"),
        Untagged::Lsub(ListItem {
            attributes: vec![b("\\Noselect")],
            delimiter: Some(b'\\'),
            mailbox: b("foo\\bar baz"),
            childinfo: vec![],
            old_name: None
        })
    );
    assert_eq!(
        untagged(b"* LIST (\\Subscribed) \".\" \"[Gmail]/Sent Mail\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"),
        Untagged::List(ListItem {
            attributes: vec![b("\\Subscribed")],
            delimiter: Some(b'.'),
            mailbox: b("[Gmail]/Sent Mail"),
            childinfo: vec![b("SUBSCRIBED")],
            old_name: None
        })
    );
}

/// Gmail's XLIST: the LIST grammar under another keyword, with Gmail's
/// attributes, a localized INBOX, modified UTF-7 and literal names.
#[test]
fn xlist() {
    let item = |attrs: &[&str], name: &str| ListItem {
        attributes: attrs.iter().map(|a| b(a)).collect(),
        delimiter: Some(b'/'),
        mailbox: b(name),
        childinfo: vec![],
        old_name: None,
    };
    assert_eq!(
        untagged(b"* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Posteingang\"\r\n"),
        Untagged::Xlist(item(&["\\HasNoChildren", "\\Inbox"], "Posteingang"))
    );
    assert_eq!(
        untagged(b"* xlist (\\Noselect \\HasChildren) \"/\" [Gmail]\r\n"),
        Untagged::Xlist(item(&["\\Noselect", "\\HasChildren"], "[Gmail]"))
    );
    assert_eq!(
        untagged(b"* XLIST (\\HasNoChildren \\AllMail) \"/\" \"[Gmail]/All Mail\"\r\n"),
        Untagged::Xlist(item(&["\\HasNoChildren", "\\AllMail"], "[Gmail]/All Mail"))
    );
    assert_eq!(
        untagged(b"* XLIST (\\HasNoChildren) \"/\" &AMk-l&AOk-ments\r\n"),
        Untagged::Xlist(item(&["\\HasNoChildren"], "&AMk-l&AOk-ments"))
    );
    assert_eq!(
        untagged(b"* XLIST (\\HasNoChildren \\Spam) \"/\" {12}\r\n[Gmail]/Spam\r\n"),
        Untagged::Xlist(item(&["\\HasNoChildren", "\\Spam"], "[Gmail]/Spam"))
    );
    // Not a LIST reply: the same grammar refuses it as it would LIST's.
    assert!(parse_response(b"* XLIST (\\Inbox) \"/\"\r\n").is_err());
}

#[test]
fn list_with_oldname_from_notify() {
    // RFC 5465 5.4: a rename, as Dovecot sends it under NOTIFY.
    assert_eq!(
        untagged(b"* LIST () \"/\" nt-4 (\"OLDNAME\" (nt-3))\r\n"),
        Untagged::List(ListItem {
            attributes: vec![],
            delimiter: Some(b'/'),
            mailbox: b("nt-4"),
            childinfo: vec![],
            old_name: Some(b("nt-3"))
        })
    );
    assert_eq!(
        untagged(b"* LIST (\\NonExistent) \"/\" \"a b\" (\"CHILDINFO\" (\"SUBSCRIBED\") \"OLDNAME\" ({3}\r\nx y))\r\n"),
        Untagged::List(ListItem {
            attributes: vec![b("\\NonExistent")],
            delimiter: Some(b'/'),
            mailbox: b("a b"),
            childinfo: vec![b("SUBSCRIBED")],
            old_name: Some(b("x y"))
        })
    );
}

#[test]
fn mailbox_status() {
    let u = untagged(b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777 SIZE 5000000000 X-FOO 3)\r\n");
    assert_eq!(
        u,
        Untagged::MailboxStatus(MailboxStatus {
            mailbox: b("blurdybloop"),
            messages: Some(231),
            uid_next: Some(44292),
            highest_modseq: Some(7011231777),
            size: Some(5000000000),
            other: vec![(b("X-FOO"), 3)],
            ..Default::default()
        })
    );
    // Quirk: trailing space inside the list; quoted name.
    let u = untagged(b"* STATUS \"a b\" (UNSEEN 2 RECENT 1 UIDVALIDITY 9 DELETED 0 )\r\n");
    let Untagged::MailboxStatus(s) = u else {
        panic!()
    };
    assert_eq!(
        (s.unseen, s.recent, s.uid_validity, s.deleted),
        (Some(2), Some(1), Some(9), Some(0))
    );
    assert!(parse_response(b"* STATUS x (MESSAGES 4294967296)\r\n").is_err());
}

#[test]
fn search_sort_esearch() {
    assert_eq!(
        untagged(b"* SEARCH 2 84 882\r\n"),
        Untagged::Search {
            ids: vec![2, 84, 882],
            modseq: None
        }
    );
    assert_eq!(
        untagged(b"* SEARCH\r\n"),
        Untagged::Search {
            ids: vec![],
            modseq: None
        }
    );
    assert_eq!(
        untagged(b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n"),
        Untagged::Search {
            ids: vec![2, 5, 6, 7, 11, 12, 18, 19, 20, 23],
            modseq: Some(917162500)
        }
    );
    // Trailing space quirk (several servers), doubled space.
    assert_eq!(
        untagged(b"* SEARCH 1  2 \r\n"),
        Untagged::Search {
            ids: vec![1, 2],
            modseq: None
        }
    );
    assert!(parse_response(b"* SEARCH 1 99999999999\r\n").is_err());
    assert_eq!(untagged(b"* SORT 5 3 4\r\n"), Untagged::Sort(vec![5, 3, 4]));
    assert_eq!(
        untagged(b"* ESEARCH (TAG \"A282\") UID MIN 2 MAX 47 COUNT 3 ALL 2,10:11 MODSEQ 5 PARTIAL (1:5 3)\r\n"),
        Untagged::ESearch(ESearch {
            tag: Some(b("A282")),
            uid: true,
            min: Some(2),
            max: Some(47),
            count: Some(3),
            all: Some(vec![(2, 2), (10, 11)]),
            modseq: Some(5),
            other: vec![(b("PARTIAL"), b("(1:5 3)"))]
        })
    );
    assert_eq!(
        untagged(b"* ESEARCH\r\n"),
        Untagged::ESearch(ESearch::default())
    );
}

#[test]
fn thread() {
    let n = |id, children| ThreadNode {
        id: Some(id),
        children,
    };
    assert_eq!(
        untagged(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"),
        Untagged::Thread(vec![
            n(2, vec![]),
            n(
                3,
                vec![n(
                    6,
                    vec![
                        n(4, vec![n(23, vec![])]),
                        n(44, vec![n(7, vec![n(96, vec![])])])
                    ]
                )]
            )
        ])
    );
    assert_eq!(
        untagged(b"* THREAD ((3)(5))\r\n"),
        Untagged::Thread(vec![ThreadNode {
            id: None,
            children: vec![n(3, vec![]), n(5, vec![])]
        }])
    );
    assert_eq!(untagged(b"* THREAD\r\n"), Untagged::Thread(vec![]));
}

#[test]
fn flags_exists_recent_expunge() {
    assert_eq!(
        untagged(b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Junk)\r\n"),
        Untagged::Flags(vec![
            Flag::Answered,
            Flag::Flagged,
            Flag::Deleted,
            Flag::Seen,
            Flag::Draft,
            Flag::Keyword(b("$Junk"))
        ])
    );
    // Gmail-style ']' in flags, trailing space.
    assert_eq!(
        untagged(b"* FLAGS (\\Seen \\*] foo] )\r\n"),
        Untagged::Flags(vec![
            Flag::Seen,
            Flag::Extension(b("\\*]")),
            Flag::Keyword(b("foo]"))
        ])
    );
    assert_eq!(untagged(b"* 23 EXISTS\r\n"), Untagged::Exists(23));
    assert_eq!(untagged(b"* 5 recent\r\n"), Untagged::Recent(5));
    assert_eq!(untagged(b"* 44 EXPUNGE\r\n"), Untagged::Expunge(44));
    assert!(parse_response(b"* 4294967296 EXISTS\r\n").is_err());
}

#[test]
fn vanished() {
    assert_eq!(
        untagged(b"* VANISHED (EARLIER) 41,43:116,118\r\n"),
        Untagged::Vanished {
            earlier: true,
            uids: vec![(41, 41), (43, 116), (118, 118)]
        }
    );
    assert_eq!(
        untagged(b"* VANISHED 405\r\n"),
        Untagged::Vanished {
            earlier: false,
            uids: vec![(405, 405)]
        }
    );
}

#[test]
fn namespace_id_quota_acl() {
    assert_eq!(
        untagged(b"* NAMESPACE ((\"\" \"/\")) NIL ((\"Shared/\" \"/\" \"X-PARAM\" (\"a\")))\r\n"),
        Untagged::Namespace(Namespaces {
            personal: vec![NamespaceDesc {
                prefix: b(""),
                delimiter: Some(b'/')
            }],
            other: vec![],
            shared: vec![NamespaceDesc {
                prefix: b("Shared/"),
                delimiter: Some(b'/')
            }],
        })
    );
    assert_eq!(
        untagged(b"* ID (\"name\" \"Cyrus\" \"version\" NIL)\r\n"),
        Untagged::Id(Some(vec![
            (b("name"), Some(b("Cyrus"))),
            (b("version"), None)
        ]))
    );
    assert_eq!(untagged(b"* ID NIL\r\n"), Untagged::Id(None));
    assert_eq!(
        untagged(b"* QUOTA \"\" (STORAGE 10 512 MESSAGE 3 100)\r\n"),
        Untagged::Quota {
            root: b(""),
            resources: vec![
                QuotaResource {
                    name: b("STORAGE"),
                    usage: 10,
                    limit: 512
                },
                QuotaResource {
                    name: b("MESSAGE"),
                    usage: 3,
                    limit: 100
                }
            ]
        }
    );
    assert_eq!(
        untagged(b"* QUOTAROOT INBOX \"\"\r\n"),
        Untagged::QuotaRoot {
            mailbox: b("INBOX"),
            roots: vec![b("")]
        }
    );
    assert_eq!(
        untagged(b"* ACL INBOX Fred rwipsldexta test lr\r\n"),
        Untagged::Acl {
            mailbox: b("INBOX"),
            entries: vec![(b("Fred"), b("rwipsldexta")), (b("test"), b("lr"))]
        }
    );
    assert_eq!(
        untagged(b"* MYRIGHTS INBOX rwiptsldaex\r\n"),
        Untagged::MyRights {
            mailbox: b("INBOX"),
            rights: b("rwiptsldaex")
        }
    );
}

#[test]
fn metadata_values_and_changed_entries() {
    // Dovecot's form: literals, NIL for an entry without a value.
    assert_eq!(
        untagged(b"* METADATA INBOX (/private/comment {5}\r\nhello /shared/comment \"x y\" /private/nothing NIL)\r\n"),
        Untagged::Metadata {
            mailbox: b("INBOX"),
            values: vec![
                (b("/private/comment"), Some(b("hello"))),
                (b("/shared/comment"), Some(b("x y"))),
                (b("/private/nothing"), None),
            ],
            changed: vec![],
        }
    );
    // Server annotations (""), a literal8 value holding a NUL.
    assert_eq!(
        untagged(b"* METADATA \"\" (/shared/vendor/bin ~{3}\r\na\0b)\r\n"),
        Untagged::Metadata {
            mailbox: b(""),
            values: vec![(b("/shared/vendor/bin"), Some(b("a\0b")))],
            changed: vec![],
        }
    );
    assert_eq!(
        untagged(b"* METADATA INBOX ()\r\n"),
        Untagged::Metadata {
            mailbox: b("INBOX"),
            values: vec![],
            changed: vec![],
        }
    );
    // Unsolicited: the names of entries that changed.
    assert_eq!(
        untagged(b"* METADATA INBOX /shared/comment /private/comment\r\n"),
        Untagged::Metadata {
            mailbox: b("INBOX"),
            values: vec![],
            changed: vec![b("/shared/comment"), b("/private/comment")],
        }
    );
    // A value missing, an unclosed list: errors, not panics.
    for bad in [
        &b"* METADATA INBOX (/private/comment)\r\n"[..],
        b"* METADATA INBOX (/private/comment \"x\"\r\n",
        b"* METADATA INBOX\r\n",
    ] {
        assert!(
            crate::proto::parser::parse_response(bad).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn unknown_untagged_kept_raw() {
    assert_eq!(
        untagged(b"* XAPPLEPUSHSERVICE aps 1\r\n"),
        Untagged::Other(b("XAPPLEPUSHSERVICE aps 1"))
    );
    assert_eq!(
        untagged(b"* 3 XFOO bar\r\n"),
        Untagged::Other(b("3 XFOO bar"))
    );
}

#[test]
fn fetch_simple_items() {
    let (seq, items) = fetch(
        b"* 12 FETCH (UID 5 FLAGS (\\Seen $Label1) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 5000000000 MODSEQ (12121231000) X-GM-MSGID 1278455344230334865 X-GM-THRID 1278455344230334865 X-GM-LABELS (\\Inbox \"\\\\Important\" \"[Gmail]/Sent\" foo) EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9) SAVEDATE \"1-Jan-2020 00:00:00 +0000\" PREVIEW \"Hi there\" BINARY.SIZE[1] 42)\r\n",
    );
    assert_eq!(seq, 12);
    assert_eq!(
        items,
        vec![
            FetchItem::Uid(5),
            FetchItem::Flags(vec![Flag::Seen, Flag::Keyword(b("$Label1"))]),
            FetchItem::InternalDate(b("17-Jul-1996 02:44:25 -0700")),
            FetchItem::Rfc822Size(5000000000),
            FetchItem::ModSeq(12121231000),
            FetchItem::GmMsgId(1278455344230334865),
            FetchItem::GmThrId(1278455344230334865),
            FetchItem::GmLabels(vec![
                b("\\Inbox"),
                b("\\Important"),
                b("[Gmail]/Sent"),
                b("foo")
            ]),
            FetchItem::EmailId(b("M6d99ac3275bb4e")),
            FetchItem::ThreadId(Some(b("T64b478a75b7ea9"))),
            FetchItem::SaveDate(Some(b("1-Jan-2020 00:00:00 +0000"))),
            FetchItem::Preview(Some(b("Hi there"))),
            FetchItem::BinarySize {
                section: b("1"),
                size: 42
            },
        ]
    );
    let (_, items) = fetch(b"* 1 fetch (uid 7 THREADID NIL SAVEDATE NIL PREVIEW NIL)\r\n");
    assert_eq!(
        items,
        vec![
            FetchItem::Uid(7),
            FetchItem::ThreadId(None),
            FetchItem::SaveDate(None),
            FetchItem::Preview(None)
        ]
    );
}

/// EMAILID and THREADID take RFC 8474 object ids only, as MAILBOXID does:
/// anything else (a dot, a slash, 8-bit bytes, 256 characters) becomes an
/// item error covering just that item; the items around it are kept.
#[test]
fn fetch_object_ids_are_checked() {
    let long = "a".repeat(255);
    let line = format!("* 3 FETCH (EMAILID ({long}) THREADID (T_1-x) UID 4)\r\n");
    let (_, items) = fetch(line.as_bytes());
    assert_eq!(
        items,
        vec![
            FetchItem::EmailId(b(&long)),
            FetchItem::ThreadId(Some(b("T_1-x"))),
            FetchItem::Uid(4)
        ]
    );
    for (bad, what) in [
        (&b"EMAILID (M6d.99/ac)"[..], "EMAILID"),
        (b"EMAILID (M\xe9t)", "EMAILID"),
        (b"THREADID (T+1)", "THREADID"),
    ] {
        let mut line = b"* 3 FETCH (UID 4 ".to_vec();
        line.extend_from_slice(bad);
        line.extend_from_slice(b" FLAGS (\\Seen))\r\n");
        let (_, items) = fetch(&line);
        assert_eq!(items.len(), 3, "{items:?}");
        assert_eq!(items[0], FetchItem::Uid(4));
        assert!(
            matches!(&items[1], FetchItem::Error { raw, message }
                if raw.as_ref() == bad && message.contains(what)),
            "{:?}",
            items[1]
        );
        assert_eq!(items[2], FetchItem::Flags(vec![Flag::Seen]));
    }
    // Cyrus 3.6 without conversations sends THREADID (NIL): no id.
    let (_, items) = fetch(b"* 3 FETCH (EMAILID (M83) THREADID (NIL))\r\n");
    assert_eq!(
        items,
        vec![FetchItem::EmailId(b("M83")), FetchItem::ThreadId(None)]
    );
    let line = format!("* 3 FETCH (EMAILID (a{long}))\r\n");
    let (_, items) = fetch(line.as_bytes());
    assert!(
        matches!(items[0], FetchItem::Error { .. }),
        "256 characters: {items:?}"
    );
}

#[test]
fn fetch_sections() {
    let (_, items) = fetch(
        b"* 2 FETCH (BODY[HEADER.FIELDS (FROM TO)] {5}\r\nab\0cd BODY[1]<10> \"xyz\" BODY[2] NIL RFC822 {2}\r\nhi RFC822.HEADER \"h\" RFC822.TEXT NIL BINARY[1] ~{3}\r\n\x00\x01\x02)\r\n",
    );
    let sect = |s: &str, origin, data: Option<&[u8]>| FetchItem::Section {
        section: b(s),
        origin,
        data: data.map(|d| Cow::Owned(d.to_vec())),
        streamed: false,
    };
    assert_eq!(
        items,
        vec![
            sect("HEADER.FIELDS (FROM TO)", None, Some(b"ab\0cd")),
            sect("1", Some(10), Some(b"xyz")),
            sect("2", None, None),
            sect("", None, Some(b"hi")),
            sect("HEADER", None, Some(b"h")),
            sect("TEXT", None, None),
            FetchItem::Binary {
                section: b("1"),
                origin: None,
                data: Some(Cow::Owned(vec![0, 1, 2])),
                streamed: false
            },
        ]
    );
    // The framer's streamed marker.
    // (The framer never sees `{0*}` as a literal header; it only writes it.)
    let Ok(Response::Untagged(Untagged::Fetch { items, .. })) =
        parse_response(b"* 3 FETCH (UID 9 BODY[] {0*}\r\n)\r\n")
    else {
        panic!()
    };
    assert_eq!(
        items[1],
        FetchItem::Section {
            section: b(""),
            origin: None,
            data: Some(b("")),
            streamed: true
        }
    );
}

#[test]
fn fetch_envelope() {
    let (_, items) = fetch(
        b"* 1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL \"<B27397-0100000@cac.washington.edu>\"))\r\n",
    );
    let FetchItem::Envelope(e) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(e.subject, Some(b("IMAP4rev1 WG mtg summary and minutes")));
    assert_eq!(e.from()[0].name, Some(b("Terry Gray")));
    // Six lists in one vector: each its own addresses.
    assert_eq!(e.lists().map(<[_]>::len), [1, 1, 1, 1, 2, 0]);
    assert_eq!(e.to()[0].mailbox, Some(b("imap")));
    assert_eq!(e.cc()[0].mailbox, Some(b("minutes")));
    assert_eq!(e.cc().len(), 2);
    assert_eq!(e.cc()[1].host, Some(b("MIT.EDU")));
    assert!(e.bcc().is_empty());
    assert_eq!(e.message_id, Some(b("<B27397-0100000@cac.washington.edu>")));
    // Escapes, literal subject, group syntax, space between addresses.
    let (_, items) = fetch(
        b"* 1 FETCH (ENVELOPE (NIL {5}\r\nhello ((\"a \\\"q\\\" b\" NIL \"x\" \"y\") (NIL NIL \"grp\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))\r\n",
    );
    let FetchItem::Envelope(e) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(e.subject, Some(b("hello")));
    assert_eq!(e.from()[0].name, Some(b("a \"q\" b")));
    assert_eq!(e.from()[1].mailbox, Some(b("grp")));
    assert_eq!(e.from()[2], Address::default());
}

#[test]
fn quoted_borrows_unless_escaped() {
    let r = parse_response(b"* 1 FETCH (INTERNALDATE \"x\" PREVIEW \"a\\\\b\")\r\n").unwrap();
    let Response::Untagged(Untagged::Fetch { items, .. }) = r else {
        panic!()
    };
    assert!(matches!(
        &items[0],
        FetchItem::InternalDate(Cow::Borrowed(b"x"))
    ));
    assert!(matches!(&items[1], FetchItem::Preview(Some(Cow::Owned(v))) if v == b"a\\b"));
    // 8-bit bytes in a quoted string are accepted.
    let (_, items) = fetch(b"* 1 FETCH (PREVIEW \"caf\xc3\xa9\")\r\n");
    assert_eq!(
        items[0],
        FetchItem::Preview(Some(Cow::Owned(b"caf\xc3\xa9".to_vec())))
    );
}

#[test]
fn fetch_bodystructure() {
    let (_, items) = fetch(
        b"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" \"Compiler diff\" \"BASE64\" 4554 73 NIL (\"attachment\" (\"filename\" \"cc.diff\")) \"en\" NIL X-EXT (1 2)) \"MIXED\" (\"BOUNDARY\" \"xx\") NIL (\"en\" \"de\") \"loc\"))\r\n",
    );
    let FetchItem::BodyStructure(bs) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(bs.media_type, b("multipart"));
    assert_eq!(bs.media_subtype, b("MIXED"));
    assert_eq!(bs.params, vec![(b("BOUNDARY"), b("xx"))]);
    assert_eq!(bs.language, vec![b("en"), b("de")]);
    assert_eq!(bs.location, Some(b("loc")));
    assert_eq!(bs.children.len(), 2);
    let c0 = &bs.children[0];
    assert_eq!((c0.size, c0.lines), (1152, Some(23)));
    let c1 = &bs.children[1];
    assert_eq!(c1.id, Some(b("<960723163407.20117h@cac.washington.edu>")));
    assert_eq!(
        c1.disposition,
        Some(Disposition {
            kind: b("attachment"),
            params: vec![(b("filename"), b("cc.diff"))]
        })
    );
    assert_eq!(c1.language, vec![b("en")]);
    assert_eq!(c1.extension, Some(b("X-EXT (1 2)")));

    // message/rfc822 nested; -1 size and lines; bare string disposition.
    let (_, items) = fetch(
        b"* 2 FETCH (BODY (\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" -1 (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL) (\"TEXT\" \"HTML\" NIL NIL NIL \"8BIT\" 10 -1 NIL \"inline\") 5))\r\n",
    );
    let FetchItem::BodyStructure(bs) = &items[0] else {
        panic!("{items:?}")
    };
    assert_eq!(bs.size, 0);
    assert_eq!(bs.lines, Some(5));
    let m = bs.message.as_ref().unwrap();
    assert_eq!(m.0.subject, Some(b("s")));
    assert_eq!(m.1.media_subtype, b("HTML"));
    assert_eq!(m.1.lines, None);
    assert_eq!(
        m.1.disposition,
        Some(Disposition {
            kind: b("inline"),
            params: vec![]
        })
    );
    // The owned copy equals the borrowed tree; common MIME tokens come from
    // static storage, everything else is copied.
    let owned = (**bs).clone().into_owned();
    assert_eq!(&owned, &**bs);
    let om = owned.message.as_ref().unwrap();
    assert!(matches!(owned.media_type, Cow::Borrowed(b"MESSAGE")));
    assert!(matches!(om.1.media_subtype, Cow::Borrowed(b"HTML")));
    assert!(matches!(om.0.subject, Some(Cow::Owned(_))));
    let (_, items) = fetch(
        b"* 3 FETCH (BODYSTRUCTURE (\"text\" \"x-odd\" (\"charset\" \"koi8-r\") NIL NIL \"base64\" 4 1))\r\n",
    );
    let FetchItem::BodyStructure(bs) = &items[0] else {
        panic!("{items:?}")
    };
    let owned = (**bs).clone().into_owned();
    assert_eq!(&owned, &**bs);
    assert!(matches!(owned.media_subtype, Cow::Owned(ref v) if v == b"x-odd"));
    assert!(matches!(owned.params[0].1, Cow::Owned(ref v) if v == b"koi8-r"));
    assert!(matches!(owned.params[0].0, Cow::Borrowed(b"charset")));
    assert!(matches!(owned.encoding, Some(Cow::Borrowed(b"base64"))));
}

#[test]
fn fetch_quirks() {
    // Empty FETCH list, doubled and trailing spaces.
    assert_eq!(fetch(b"* 1 FETCH ()\r\n").1, vec![]);
    assert_eq!(
        fetch(b"* 1 FETCH (UID 1  FLAGS (\\Seen ) )\r\n").1,
        vec![FetchItem::Uid(1), FetchItem::Flags(vec![Flag::Seen])]
    );
    // Unknown items are kept raw.
    assert_eq!(
        fetch(b"* 1 FETCH (X-FOO (a \"b)\" {1}\r\n) c) UID 3 X-BAR[1] 7)\r\n").1,
        vec![
            FetchItem::Other {
                name: b("X-FOO"),
                value: b("(a \"b)\" {1}\r\n) c)")
            },
            FetchItem::Uid(3),
            FetchItem::Other {
                name: b("X-BAR[1]"),
                value: b("7")
            },
        ]
    );
}

#[test]
fn fetch_item_errors_cost_the_item_only() {
    let (_, items) = fetch(b"* 1 FETCH (UID 99999999999 FLAGS (\\Seen) ENVELOPE (1 2) RFC822.SIZE 12x BODY[] \"ok\")\r\n");
    assert_eq!(items.len(), 5);
    assert!(
        matches!(&items[0], FetchItem::Error { raw, .. } if raw.as_ref() == b"UID 99999999999")
    );
    assert_eq!(items[1], FetchItem::Flags(vec![Flag::Seen]));
    assert!(matches!(&items[2], FetchItem::Error { raw, .. } if raw.as_ref() == b"ENVELOPE (1 2)"));
    assert!(
        matches!(&items[3], FetchItem::Error { raw, .. } if raw.as_ref() == b"RFC822.SIZE 12x")
    );
    assert!(matches!(&items[4], FetchItem::Section { .. }));
}

#[test]
fn malformed_responses_are_errors() {
    for bad in [
        &b"* 1 FETCH (UID 1\r\n"[..],
        b"* LIST (\\X) \"ab\" INBOX\r\n",
        b"* 1 FETCH (BODY[] {10}\r\nabc)\r\n",
        b"\r\n",
        b"* \"unterminated\r\n",
        b"* 1 EXISTS extra\r\n",
    ] {
        assert!(
            parse_response(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let e = parse_response(b"* SEARCH 1 x\r\n").unwrap_err();
    assert_eq!(e.offset, 11);
}

#[test]
fn depth_is_bounded() {
    let mut deep = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    deep.extend(std::iter::repeat(b'(').take(100_000));
    deep.extend_from_slice(b"\r\n");
    assert!(parse_response(&deep).is_err());
    let mut deep = b"* 1 FETCH (X-FOO ".to_vec();
    deep.extend(std::iter::repeat(b'(').take(100_000));
    deep.extend(std::iter::repeat(b')').take(100_000));
    deep.extend_from_slice(b")\r\n");
    let Ok(Response::Untagged(Untagged::Fetch { items, .. })) = parse_response(&deep) else {
        panic!()
    };
    assert!(matches!(items[0], FetchItem::Error { .. }));
    let mut deep = b"* THREAD ".to_vec();
    deep.extend(std::iter::repeat(b'(').take(100_000));
    deep.extend_from_slice(b"\r\n");
    assert!(parse_response(&deep).is_err());
    // A long thread chain is bounded too (no deep recursion on drop).
    let mut chain = b"* THREAD (".to_vec();
    for k in 1..20_000 {
        chain.extend_from_slice(format!("{k} ").as_bytes());
    }
    chain.extend_from_slice(b"1)\r\n");
    assert!(parse_response(&chain).is_err());
}

#[test]
fn stream_of_several_responses() {
    let input = b"* 3 EXISTS\r\n\r\n* 1 FETCH (UID 1 BODY[] {3}\r\nabc)\r\na1 OK done\n";
    let v = assert_frames_same(input);
    assert_eq!(v.len(), 3);
    assert!(v.iter().all(Result::is_ok));
}

#[test]
fn no_panic_on_prefixes() {
    // Every prefix of real responses must parse or fail, never panic.
    let all: &[&[u8]] = &[
        b"* 1 FETCH (UID 5 FLAGS (\\Seen) BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 1 1) \"ALTERNATIVE\") ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n",
        b"* OK [COPYUID 1 2:3 4:5] x\r\n",
        b"* ESEARCH (TAG \"a\") UID ALL 1:2\r\n",
    ];
    for r in all {
        for k in 0..r.len() {
            let _ = parse_response(&r[..k]);
        }
    }
}

#[test]
fn deepest_allowed_nesting_fits_a_small_stack() {
    // 99 nested multiparts (plus the FETCH list) is within the default
    // depth; parsing it must not need a big stack, even in debug builds.
    let mut body = "(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)".to_string();
    for _ in 0..98 {
        body = format!("({body} \"MIXED\")");
    }
    let fetch = format!("* 1 FETCH (BODYSTRUCTURE {body})\r\n");
    let thread = format!("* THREAD {}1{}\r\n", "(".repeat(99), ")".repeat(99));
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            assert!(parse_response(fetch.as_bytes()).is_ok());
            assert!(parse_response(thread.as_bytes()).is_ok());
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn more_quirks() {
    // NIL where a string belongs, `{n+}` literal from a server, bare LF.
    let (_, items) = fetch(
        b"* 4 FETCH (INTERNALDATE NIL BODY (NIL \"PLAIN\" NIL NIL NIL NIL 0) BODY[TEXT] {2+}\r\nok RFC822.SIZE 18446744073709551615)\n",
    );
    assert_eq!(items[0], FetchItem::InternalDate(b("")));
    let FetchItem::BodyStructure(bs) = &items[1] else {
        panic!("{items:?}")
    };
    assert_eq!(
        (bs.media_type.as_ref(), bs.encoding.as_ref()),
        (&b""[..], None)
    );
    assert!(matches!(&items[2], FetchItem::Section { data: Some(d), .. } if d.as_ref() == b"ok"));
    assert_eq!(items[3], FetchItem::Rfc822Size(u64::MAX));
    // u64 overflow is an item error, not a wrap-around.
    let (_, items) = fetch(b"* 4 FETCH (MODSEQ (18446744073709551616) UID 1)\r\n");
    assert!(matches!(items[0], FetchItem::Error { .. }));
    assert_eq!(items[1], FetchItem::Uid(1));
    // Lowercase everything.
    assert_eq!(
        one(b"a3 ok [uidnext 5] done\r\n"),
        Response::Tagged {
            tag: b("a3"),
            status: status(StatusKind::Ok, Some(ResponseCode::UidNext(5)), "done")
        }
    );
}

#[test]
fn status_text_that_opens_a_bracket_but_holds_no_code() {
    // resp-text = ["[" resp-text-code "]" SP] text: the text itself may
    // start with `[`. Before, these were parse errors; on a command's own
    // completion that ended the session.
    assert_eq!(
        one(b"A1 NO [Can't open mailbox\r\n"),
        Response::Tagged {
            tag: b("A1"),
            status: status(StatusKind::No, None, "[Can't open mailbox"),
        }
    );
    assert_eq!(
        untagged(b"* OK [Server ready, no code here\r\n"),
        Untagged::Status(status(StatusKind::Ok, None, "[Server ready, no code here"))
    );
    assert_eq!(
        untagged(b"* BYE [broken\r\n"),
        Untagged::Status(status(StatusKind::Bye, None, "[broken"))
    );
    assert_eq!(
        untagged(b"* NO [\r\n"),
        Untagged::Status(status(StatusKind::No, None, "["))
    );
    // A code that does close is still a code.
    assert_eq!(
        untagged(b"* NO [ALERT] [x\r\n"),
        Untagged::Status(status(StatusKind::No, Some(ResponseCode::Alert), "[x"))
    );
}

#[test]
fn spaces_before_the_end_of_a_known_code() {
    assert_eq!(
        code("CAPABILITY IMAP4rev1 IDLE "),
        ResponseCode::Capability(vec![b("IMAP4rev1"), b("IDLE")])
    );
    assert_eq!(code("UIDNEXT 5  "), ResponseCode::UidNext(5));
    assert_eq!(
        code("PERMANENTFLAGS (\\Seen) "),
        ResponseCode::PermanentFlags(vec![Flag::Seen])
    );
}

#[test]
fn status_items_that_are_not_numbers() {
    // RFC 8474 MAILBOXID, RFC 7889 APPENDLIMIT NIL: before, either made
    // the whole STATUS a parse error.
    let st = |line: &[u8]| match untagged(line) {
        Untagged::MailboxStatus(s) => s,
        u => panic!("{u:?}"),
    };
    let s = st(
        b"* STATUS foo (MESSAGES 2 MAILBOXID (F2212ea87-6097-4256-9d51-71338625) UIDNEXT 7)\r\n",
    );
    assert_eq!(s.messages, Some(2));
    assert_eq!(s.uid_next, Some(7));
    assert_eq!(
        s.mailbox_id.as_deref(),
        Some(&b"F2212ea87-6097-4256-9d51-71338625"[..])
    );
    let s = st(b"* STATUS INBOX (MESSAGES 2 APPENDLIMIT NIL UNSEEN 1)\r\n");
    assert_eq!((s.messages, s.unseen), (Some(2), Some(1)));
    assert!(s.other.is_empty(), "{:?}", s.other);
    let s = st(b"* STATUS INBOX (APPENDLIMIT 1024)\r\n");
    assert_eq!(s.other, vec![(b("APPENDLIMIT"), 1024)]);
    // Not an object id (Cyrus 3.6 sends a pointer's bytes), and an
    // extension's list value: skipped, the rest kept.
    let s = st(b"* STATUS x (MAILBOXID (\"\x01\x7f\") X-LIST (a (b)) MESSAGES 3)\r\n");
    assert_eq!((s.messages, s.mailbox_id), (Some(3), None));
    // A value that is neither is still an error.
    assert!(parse_response(b"* STATUS x (MESSAGES abc)\r\n").is_err());
    assert!(parse_response(b"* STATUS x (MESSAGES (1)\r\n").is_err());
}

#[test]
fn esearch_correlators() {
    // RFC 9051: tag-string = astring (RFC 4731 had string).
    let e = |line: &[u8]| match untagged(line) {
        Untagged::ESearch(e) => e,
        u => panic!("{u:?}"),
    };
    let x = e(b"* ESEARCH (TAG A282) MIN 2\r\n");
    assert_eq!((x.tag, x.min), (Some(b("A282")), Some(2)));
    // RFC 7377 MULTISEARCH's correlator: the extra pairs are skipped.
    let x = e(b"* ESEARCH (TAG \"A1\" MAILBOX \"folder1\" UIDVALIDITY 1) UID ALL 3001:3004\r\n");
    assert_eq!(x.tag, Some(b("A1")));
    assert!(x.uid);
    assert_eq!(x.all, Some(vec![(3001, 3004)]));
    assert!(parse_response(b"* ESEARCH (TAG A1 MAILBOX) MIN 2\r\n").is_err());
    assert!(parse_response(b"* ESEARCH (TAG A1 MIN 2\r\n").is_err());
}
