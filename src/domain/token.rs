//! Bearer tokens: 256 bits from the OS generator, prefixed by kind so a leaked
//! token says what it opens, and stored only as a SHA-256 hash. Lookups go by
//! hash through a unique index, so no comparison ever runs on the secret.

use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Organiser,
    Invitation,
    Response,
    Feed,
    /// An emailed sign-in link to the console.
    SignIn,
    /// A signed-in browser's session (only ever in a cookie).
    Session,
}

impl TokenKind {
    pub const fn prefix(self) -> &'static str {
        match self {
            TokenKind::Organiser => "cvn_org_",
            TokenKind::Invitation => "cvn_inv_",
            TokenKind::Response => "cvn_rsp_",
            TokenKind::Feed => "cvn_feed_",
            TokenKind::SignIn => "cvn_sil_",
            TokenKind::Session => "cvn_ses_",
        }
    }

    /// The kind a presented token claims, by its prefix.
    pub fn of(token: &str) -> Option<Self> {
        [
            Self::Organiser,
            Self::Invitation,
            Self::Response,
            Self::Feed,
            Self::SignIn,
            Self::Session,
        ]
        .into_iter()
        .find(|k| token.starts_with(k.prefix()))
    }
}

/// A freshly minted token: the secret to show once, and the hash to store.
pub struct NewToken {
    pub secret: String,
    pub hash: String,
}

pub fn generate(kind: TokenKind) -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{}{}", kind.prefix(), hex::encode(bytes));
    let hash = hash(&secret);
    NewToken { secret, hash }
}

/// The key invitation links are derived with: one per deployment, shared by
/// every instance (kept in the database, see `Store::link_key`).
#[derive(Clone)]
pub struct LinkKey(Vec<u8>);

impl LinkKey {
    pub fn new(key: Vec<u8>) -> Self {
        LinkKey(key)
    }

    /// A fresh random key.
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        LinkKey(bytes)
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The token of one kind that an invitation's salt stands for:
    /// HMAC-SHA256 of the salt under the key, so it is as unguessable as a
    /// random token, yet the server can write it again (listInvitations,
    /// emails sent days later) while storing only its hash. A reissue draws
    /// a new salt, which revokes the old link.
    pub fn derive(&self, kind: TokenKind, salt: &str) -> NewToken {
        use hmac::{Hmac, Mac};
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes a key of any length");
        mac.update(kind.prefix().as_bytes());
        mac.update(salt.as_bytes());
        let secret = format!(
            "{}{}",
            kind.prefix(),
            hex::encode(mac.finalize().into_bytes())
        );
        let hash = hash(&secret);
        NewToken { secret, hash }
    }
}

/// A new random salt for [`LinkKey::derive`].
pub fn salt() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_their_kind_and_256_random_bits() {
        let a = generate(TokenKind::Response);
        let b = generate(TokenKind::Response);
        assert!(a.secret.starts_with("cvn_rsp_"));
        assert_eq!(a.secret.len(), "cvn_rsp_".len() + 64);
        assert_ne!(a.secret, b.secret);
        assert_eq!(TokenKind::of(&a.secret), Some(TokenKind::Response));
        assert_eq!(TokenKind::of("cvn_feed_x"), Some(TokenKind::Feed));
        assert_eq!(TokenKind::of("Bearer nope"), None);
    }

    #[test]
    fn derived_tokens_are_stable_per_salt_and_differ_by_kind_salt_and_key() {
        let key = LinkKey::generate();
        let salt = salt();
        let a = key.derive(TokenKind::Invitation, &salt);
        assert_eq!(a.secret, key.derive(TokenKind::Invitation, &salt).secret);
        assert!(a.secret.starts_with("cvn_inv_"));
        assert_eq!(a.secret.len(), "cvn_inv_".len() + 64);
        assert_eq!(a.hash, hash(&a.secret));
        let feed = key.derive(TokenKind::Feed, &salt);
        assert_ne!(feed.secret[9..], a.secret[8..]);
        assert_ne!(
            a.secret,
            key.derive(TokenKind::Invitation, &super::salt()).secret
        );
        assert_ne!(
            a.secret,
            LinkKey::generate()
                .derive(TokenKind::Invitation, &salt)
                .secret
        );
    }

    #[test]
    fn only_the_hash_is_kept_and_it_is_stable() {
        let t = generate(TokenKind::Organiser);
        assert_eq!(t.hash, hash(&t.secret));
        assert_ne!(t.hash, t.secret);
        assert_eq!(t.hash.len(), 64);
    }
}
