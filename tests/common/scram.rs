//! A SCRAM-SHA-256 client for `Client::authenticate_with`, shared by the
//! tests against Dovecot (tests/client.rs) and Cyrus (tests/cyrus.rs).

/// A SCRAM-SHA-256 client (RFC 5802, RFC 7677) for `authenticate_with`:
/// the steps of the exchange, and whether the server's signature checked.
pub struct Scram {
    pub user: String,
    pub password: String,
    pub nonce: String,
    pub first_bare: String,
    pub server_signature: Vec<u8>,
    pub verified: bool,
    pub challenges: usize,
}

impl Scram {
    pub fn new(user: &str, password: &str) -> Scram {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        Scram {
            user: user.to_string(),
            password: password.to_string(),
            nonce: format!("libimapclient{t}"),
            first_bare: String::new(),
            server_signature: Vec::new(),
            verified: false,
            challenges: 0,
        }
    }

    fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
        let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
        ring::hmac::sign(&k, data).as_ref().to_vec()
    }

    pub fn step(&mut self, challenge: &[u8]) -> Result<Vec<u8>, String> {
        use base64::engine::general_purpose::STANDARD as B64;
        use base64::Engine as _;
        if challenge.is_empty() && self.first_bare.is_empty() {
            self.first_bare = format!("n={},r={}", self.user, self.nonce);
            return Ok(format!("n,,{}", self.first_bare).into_bytes());
        }
        self.challenges += 1;
        let text = std::str::from_utf8(challenge).map_err(|e| e.to_string())?;
        let field = |name: &str| {
            text.split(',')
                .find_map(|kv| kv.strip_prefix(name))
                .map(str::to_string)
        };
        if let Some(v) = field("v=") {
            // server-final-message: the server proves it knows the password.
            let got = B64.decode(v).map_err(|e| e.to_string())?;
            if got != self.server_signature {
                return Err("the server's signature does not verify".into());
            }
            self.verified = true;
            return Ok(Vec::new());
        }
        let nonce = field("r=").ok_or("no nonce")?;
        if !nonce.starts_with(&self.nonce) {
            return Err("the server's nonce does not extend ours".into());
        }
        let salt = B64
            .decode(field("s=").ok_or("no salt")?)
            .map_err(|e| e.to_string())?;
        let iters: u32 = field("i=")
            .ok_or("no count")?
            .parse()
            .map_err(|_| "bad count")?;
        let mut salted = [0u8; 32];
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            std::num::NonZeroU32::new(iters).ok_or("zero count")?,
            &salt,
            self.password.as_bytes(),
            &mut salted,
        );
        let client_key = Self::hmac(&salted, b"Client Key");
        let stored_key = ring::digest::digest(&ring::digest::SHA256, &client_key);
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{text},{without_proof}", self.first_bare);
        let signature = Self::hmac(stored_key.as_ref(), auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = Self::hmac(&salted, b"Server Key");
        self.server_signature = Self::hmac(&server_key, auth_message.as_bytes());
        Ok(format!("{without_proof},p={}", B64.encode(proof)).into_bytes())
    }
}

/// What the SASL tests against both servers check after a good SCRAM
/// login: on `c` (connected, not logged in), SCRAM-SHA-256 with a wrong
/// password is refused (`AuthFailed`, not fatal, the client usable), then
/// LOGIN (server first) logs in as `user` with `password` after its two
/// challenges, "Username:" and "Password:".
pub fn wrong_scram_then_login(c: &mut imapclient::client::Client, user: &str, password: &str) {
    let mut scram = Scram::new(user, "nope");
    let e = c
        .authenticate_with("SCRAM-SHA-256", true, |ch| scram.step(ch))
        .unwrap_err();
    assert_eq!(e.kind, imapclient::client::ErrorKind::AuthFailed, "{e}");
    assert!(!e.is_fatal());
    let mut seen = Vec::new();
    c.authenticate_with("LOGIN", false, |ch| {
        seen.push(String::from_utf8_lossy(ch).into_owned());
        Ok(match seen.len() {
            1 => user.as_bytes().to_vec(),
            _ => password.as_bytes().to_vec(),
        })
    })
    .unwrap();
    assert_eq!(seen, ["Username:", "Password:"]);
}
