//! sprig's hashes and crypto: `sha1sum`, `sha256sum`, `sha512sum`, `adler32sum`, `bcrypt`,
//! `htpasswd`, `derivePassword`, `genPrivateKey`, `genCA`, `genSelfSignedCert`, `genSignedCert`
//! (and their `WithKey` forms), `buildCustomCert`, `encryptAES`, `decryptAES`.
//!
//! Keys and certificates come out as Go writes them: RSA keys as PKCS#1 `RSA PRIVATE KEY`, ECDSA
//! (P-256) keys as SEC 1 `EC PRIVATE KEY`, Ed25519 keys as PKCS#8 `PRIVATE KEY`, DSA keys as the
//! `DSA PRIVATE KEY` sequence; certificates carry the extensions Go's `x509.CreateCertificate` gives
//! sprig's template (key usage, server and client auth, basic constraints, key identifiers, names).

use std::fmt::Write as _;
use std::str::FromStr as _;

use base64::Engine as _;
use sha1::Digest as _;
use x509_cert::builder::{profile::BuilderProfile, Builder as _, CertificateBuilder};
use x509_cert::der::asn1::{Ia5String, ObjectIdentifier, OctetString};
use x509_cert::der::{Decode as _, EncodePem as _};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension as _};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{EncodePublicKey as _, SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef};
use x509_cert::time::Validity;
use x509_cert::TbsCertificate;

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// sprig's `sha1sum`: lower-case hex.
pub fn sha1sum(data: &[u8]) -> String {
    hex(&sha1::Sha1::digest(data))
}

/// sprig's `sha256sum`: lower-case hex.
pub fn sha256sum(data: &[u8]) -> String {
    hex(&sha2::Sha256::digest(data))
}

/// sprig's `sha512sum`: lower-case hex.
pub fn sha512sum(data: &[u8]) -> String {
    hex(&sha2::Sha512::digest(data))
}

/// sprig's `adler32sum`: the checksum in decimal.
pub fn adler32sum(data: &[u8]) -> String {
    let mut a = adler2::Adler32::new();
    a.write_slice(data);
    a.checksum().to_string()
}

/// The randomness every generating function here draws from (a seeded generator when renders must be
/// reproducible, the system's otherwise).
pub type Rng = dyn rand::CryptoRng;

/// sprig's `bcrypt`: a `$2a$` hash at Go's default cost 10.
pub fn bcrypt(rng: &mut Rng, password: &str) -> String {
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    match bcrypt::hash_with_salt(password, 10, salt) {
        Ok(parts) => parts.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

/// sprig's `htpasswd user password`: `user:<bcrypt hash>`.
pub fn htpasswd(rng: &mut Rng, user: &str, password: &str) -> String {
    if user.contains(':') {
        return format!("invalid username: {user}");
    }
    format!("{user}:{}", bcrypt(rng, password))
}

const MASTER_PASSWORD_SEED: &str = "com.lyndir.masterpassword";

fn password_templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// sprig's `derivePassword counter type password user site`: the Master Password algorithm
/// (scrypt N=32768 r=8 p=2 key, HMAC-SHA256 seed, character templates).
pub fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = password_templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let mut salt = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = match scrypt::Params::new(15, 8, 2) {
        Ok(p) => p,
        Err(e) => return format!("failed to derive password: {e}"),
    };
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut message = MASTER_PASSWORD_SEED.as_bytes().to_vec();
    message.extend_from_slice(&(site.len() as u32).to_be_bytes());
    message.extend_from_slice(site.as_bytes());
    message.extend_from_slice(&counter.to_be_bytes());
    use hmac::{KeyInit as _, Mac as _};
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key) else {
        return "failed to derive password: bad key".into();
    };
    mac.update(&message);
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()].as_bytes();
    template
        .iter()
        .enumerate()
        .map(|(i, &class)| {
            let chars = template_characters(class);
            chars[usize::from(seed[i + 1]) % chars.len()] as char
        })
        .collect()
}

/// Fresh DSA domain parameters of Go's `dsa.L2048N256` (FIPS 186-3 A.1.1 style, as Go's
/// `dsa.GenerateParameters`): a random 256-bit prime `q`, then random 2048-bit candidates
/// `p ≡ 1 (mod 2q)` until one is prime, and `g = h^((p-1)/q) mod p` for the first `h ≥ 2` that
/// gives `g ≠ 1`. Candidates with a small prime factor are dropped by remainders against products
/// of small primes before any Miller-Rabin test, as Go's `ProbablyPrime` does; that skips about
/// nine candidates in ten and makes the search several times faster than testing each one.
fn dsa_parameters(rng: &mut Rng) -> Result<dsa::Components, String> {
    use crypto_bigint::modular::{BoxedMontyForm, BoxedMontyParams};
    use crypto_bigint::{BoxedUint, Limb, NonZero, Odd, RandomBits, Resize};
    const L: u32 = 2048;
    const N: u32 = 256;
    let groups = small_prime_groups();
    let fail = |what: &str| format!("failed to generate dsa params: {what}");
    for _ in 0..64 {
        let q: BoxedUint = crypto_primes::random_prime(rng, crypto_primes::Flavor::Any, N);
        let two_q = NonZero::new(
            q.clone()
                .resize(L)
                .shl_vartime(1)
                .ok_or_else(|| fail("2q"))?,
        )
        .into_option()
        .ok_or_else(|| fail("q is zero"))?;
        // Go tries 4·L candidates per q.
        for _ in 0..4 * L {
            let m = BoxedUint::try_random_bits(rng, L).map_err(|e| fail(&format!("{e:?}")))?;
            let rem = m.rem_vartime(&two_q);
            let p = m
                .wrapping_sub(&rem)
                .wrapping_add(BoxedUint::one_with_precision(L));
            if p.bit_width() < L {
                continue;
            }
            let small_factor = groups.iter().any(|(product, primes)| {
                let r = p.rem_limb(NonZero::new(Limb(*product)).expect("a product of primes"));
                primes.iter().any(|&sp| r.0 % sp == 0)
            });
            if small_factor || !crypto_primes::is_prime(crypto_primes::Flavor::Any, &p) {
                continue;
            }
            let q_wide = NonZero::new(q.clone().resize(L))
                .into_option()
                .ok_or_else(|| fail("q is zero"))?;
            let e = p.wrapping_sub(BoxedUint::one_with_precision(L)) / &q_wide;
            let odd_p = Odd::new(p.clone())
                .into_option()
                .ok_or_else(|| fail("p is even"))?;
            let params = BoxedMontyParams::new_vartime(odd_p);
            let mut h = BoxedUint::from(2u64).resize(L);
            let g = loop {
                let g = BoxedMontyForm::new(h.clone(), &params).pow(&e).retrieve();
                if !bool::from(g.is_one()) {
                    break g;
                }
                h = h.wrapping_add(BoxedUint::one_with_precision(L));
            };
            return dsa::Components::from_components(p, q, g).map_err(|e| fail(&format!("{e:?}")));
        }
    }
    Err(fail("no prime found"))
}

/// The odd primes below 2¹², packed into groups whose product fits one 64-bit limb.
fn small_prime_groups() -> Vec<(u64, Vec<u64>)> {
    const LIMIT: usize = 1 << 12;
    let mut composite = vec![false; LIMIT];
    let mut groups: Vec<(u64, Vec<u64>)> = Vec::new();
    let mut current = (1u64, Vec::new());
    for n in 3..LIMIT {
        if composite[n] {
            continue;
        }
        for multiple in (n * n..LIMIT).step_by(n) {
            composite[multiple] = true;
        }
        if n % 2 == 0 {
            continue;
        }
        let n = n as u64;
        match current.0.checked_mul(n) {
            Some(product) => {
                current.0 = product;
                current.1.push(n);
            }
            None => {
                groups.push(std::mem::replace(&mut current, (n, vec![n])));
            }
        }
    }
    groups.push(current);
    groups
}

/// A private key of one of the kinds sprig generates and reads.
pub enum PrivateKey {
    Rsa(Box<rsa::PrivateKey>),
    Ecdsa(p256::SecretKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
    Dsa(Box<dsa::SigningKey>),
}

impl PrivateKey {
    /// A new RSA key of `bits` bits.
    pub fn rsa(rng: &mut Rng, bits: usize) -> Result<PrivateKey, String> {
        rsa::PrivateKey::new(rng, bits)
            .map(|k| PrivateKey::Rsa(Box::new(k)))
            .map_err(|e| format!("error generating rsa key: {e}"))
    }

    /// sprig's `genPrivateKey` kinds: `rsa` (4096 bits, also the empty name), `ecdsa` (P-256),
    /// `ed25519`, `dsa` (L2048 N256).
    pub fn generate(rng: &mut Rng, kind: &str) -> Result<PrivateKey, String> {
        Ok(match kind {
            "" | "rsa" => PrivateKey::rsa(rng, 4096)?,
            "ecdsa" => {
                use p256::elliptic_curve::Generate as _;
                PrivateKey::Ecdsa(p256::SecretKey::generate_from_rng(rng))
            }
            "ed25519" => PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::generate(rng))),
            "dsa" => {
                let components = dsa_parameters(rng)?;
                let key = dsa::SigningKey::try_generate_from_rng_with_components(rng, components)
                    .map_err(|e| format!("failed to generate private key: {e:?}"))?;
                PrivateKey::Dsa(Box::new(key))
            }
            other => return Err(format!("Unknown type {other}")),
        })
    }

    /// The key as Go's `pem.EncodeToMemory(pemBlockForKey(key))` writes it.
    pub fn to_pem(&self) -> Result<String, String> {
        let bad = |e: &dyn std::fmt::Display| format!("error pem-encoding key: {e}");
        match self {
            PrivateKey::Rsa(k) => {
                use rsa::pkcs1::EncodeRsaPrivateKey as _;
                k.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF)
                    .map(|s| s.to_string())
                    .map_err(|e| bad(&e))
            }
            PrivateKey::Ecdsa(k) => k
                .to_sec1_pem(p256::pkcs8::LineEnding::LF)
                .map(|s| s.to_string())
                .map_err(|e| bad(&e)),
            PrivateKey::Ed25519(k) => {
                use ed25519_dalek::pkcs8::EncodePrivateKey as _;
                let bytes = ed25519_dalek::pkcs8::KeypairBytes {
                    secret_key: k.to_bytes(),
                    public_key: None,
                };
                bytes
                    .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
                    .map(|s| s.to_string())
                    .map_err(|e| bad(&e))
            }
            PrivateKey::Dsa(k) => {
                let vk = k.verifying_key();
                let c = vk.components();
                let ints: [&[u8]; 6] = [
                    &[0],
                    &c.p().to_be_bytes_trimmed_vartime(),
                    &c.q().to_be_bytes_trimmed_vartime(),
                    &c.g().to_be_bytes_trimmed_vartime(),
                    &vk.y().to_be_bytes_trimmed_vartime(),
                    &k.x().to_be_bytes_trimmed_vartime(),
                ];
                let mut body = Vec::new();
                for int in ints {
                    der_integer(&mut body, int);
                }
                let mut der = vec![0x30];
                der_length(&mut der, body.len());
                der.extend_from_slice(&body);
                Ok(pem_block("DSA PRIVATE KEY", &der))
            }
        }
    }

    /// sprig's `parsePrivateKeyPEM`: a PKCS#8 `PRIVATE KEY`, or an `RSA`, `EC` or `DSA` `PRIVATE KEY`.
    pub fn from_pem(text: &str) -> Result<PrivateKey, String> {
        let (label, der) = pem_decode(text).ok_or("no PEM data in input")?;
        if label == "PRIVATE KEY" {
            use rsa::pkcs8::DecodePrivateKey as _;
            if let Ok(k) = rsa::PrivateKey::from_pkcs8_der(&der) {
                return Ok(PrivateKey::Rsa(Box::new(k)));
            }
            if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
                return Ok(PrivateKey::Ecdsa(k));
            }
            return ed25519_dalek::SigningKey::from_pkcs8_der(&der)
                .map(|k| PrivateKey::Ed25519(Box::new(k)))
                .map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
        }
        let Some(kind) = label.strip_suffix(" PRIVATE KEY") else {
            return Err(format!("no private key data in PEM block of type {label}"));
        };
        match kind {
            "RSA" => {
                use rsa::pkcs1::DecodeRsaPrivateKey as _;
                rsa::PrivateKey::from_pkcs1_der(&der)
                    .map(|k| PrivateKey::Rsa(Box::new(k)))
                    .map_err(|e| format!("parsing RSA private key from PEM: {e}"))
            }
            "EC" => p256::SecretKey::from_sec1_der(&der)
                .map(PrivateKey::Ecdsa)
                .map_err(|e| format!("parsing EC private key from PEM: {e}")),
            "DSA" => {
                Err("parsing DSA private key from PEM: DSA keys cannot sign certificates".into())
            }
            _ => Err(format!("invalid private key type {label}")),
        }
    }

    fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned, String> {
        let der = match self {
            PrivateKey::Rsa(k) => k.to_public_key().to_public_key_der(),
            PrivateKey::Ecdsa(k) => k.public_key().to_public_key_der(),
            PrivateKey::Ed25519(k) => k.verifying_key().to_public_key_der(),
            PrivateKey::Dsa(_) => {
                return Err("error creating certificate: x509: certificate private key does not implement crypto.Signer".into())
            }
        }
        .map_err(|e| format!("error retrieving public key from signee key: {e}"))?;
        SubjectPublicKeyInfoOwned::from_der(der.as_bytes())
            .map_err(|e| format!("error retrieving public key from signee key: {e}"))
    }
}

fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

fn der_integer(out: &mut Vec<u8>, unsigned_be: &[u8]) {
    let trimmed: &[u8] = match unsigned_be.iter().position(|b| *b != 0) {
        Some(i) => &unsigned_be[i..],
        None => &[0],
    };
    let pad = trimmed[0] & 0x80 != 0;
    out.push(0x02);
    der_length(out, trimmed.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
}

/// Go's `pem.Encode`: base64 in 64-column lines.
fn pem_block(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    let _ = writeln!(out, "-----END {label}-----");
    out
}

/// Go's `pem.Decode` of the first block: its label and bytes.
fn pem_decode(text: &str) -> Option<(String, Vec<u8>)> {
    let start = text.find("-----BEGIN ")?;
    let rest = &text[start + 11..];
    let label_end = rest.find("-----")?;
    let label = &rest[..label_end];
    let body = &rest[label_end + 5..];
    let end = body.find(&format!("-----END {label}-----"))?;
    let b64: String = body[..end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    Some((label.to_owned(), der))
}

/// A certificate and its key in PEM (sprig's `certificate`, read in templates as `.Cert`, `.Key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

/// What sprig's certificate template holds.
struct Template {
    cn: String,
    ips: Vec<std::net::IpAddr>,
    dns: Vec<String>,
    days: i64,
    ca: bool,
}

/// The certificate profile: extensions as Go's `x509.CreateCertificate` writes them for sprig.
struct GoProfile {
    subject: Name,
    issuer: Name,
    ca: bool,
    issuer_key_id: Option<Vec<u8>>,
    dns: Vec<String>,
    ips: Vec<std::net::IpAddr>,
}

impl BuilderProfile for GoProfile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut exts: Vec<Extension> = Vec::new();
        let mut usage = KeyUsages::KeyEncipherment | KeyUsages::DigitalSignature;
        if self.ca {
            usage |= KeyUsages::KeyCertSign;
        }
        let subject = &tbs.subject();
        let e = KeyUsage(usage).to_extension(subject, &exts)?;
        exts.push(e);
        let e = ExtendedKeyUsage(vec![
            ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"),
            ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
        ])
        .to_extension(subject, &exts)?;
        exts.push(e);
        let mut e = BasicConstraints {
            ca: self.ca,
            path_len_constraint: None,
        }
        .to_extension(subject, &exts)?;
        e.critical = true;
        exts.push(e);
        if self.ca {
            let ski = SubjectKeyIdentifier::try_from(spk)?;
            let e = ski.to_extension(subject, &exts)?;
            exts.push(e);
        }
        if let Some(id) = &self.issuer_key_id {
            let e = AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(id.clone())?),
                ..Default::default()
            }
            .to_extension(subject, &exts)?;
            exts.push(e);
        }
        if !self.dns.is_empty() || !self.ips.is_empty() {
            let mut names = Vec::new();
            for d in &self.dns {
                names.push(GeneralName::DnsName(Ia5String::new(d)?));
            }
            for ip in &self.ips {
                let bytes = match ip {
                    std::net::IpAddr::V4(a) => a.octets().to_vec(),
                    std::net::IpAddr::V6(a) => a.octets().to_vec(),
                };
                names.push(GeneralName::IpAddress(OctetString::new(bytes)?));
            }
            let e = SubjectAltName(names).to_extension(subject, &exts)?;
            exts.push(e);
        }
        Ok(exts)
    }
}

fn cn_name(cn: &str) -> Result<Name, String> {
    if cn.is_empty() {
        return Ok(Name::default());
    }
    // RFC 4514 text: escape what it treats specially.
    let mut escaped = String::new();
    for (i, c) in cn.chars().enumerate() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(c, '#' | ' '))
        {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    if escaped.ends_with(' ') {
        escaped.insert(escaped.len() - 1, '\\');
    }
    Name::from_str(&format!("CN={escaped}")).map_err(|e| format!("error creating certificate: {e}"))
}

/// sprig's `getNetIPs`: each entry must be an IP address.
pub fn parse_ips(ips: &[String]) -> Result<Vec<std::net::IpAddr>, String> {
    ips.iter()
        .map(|s| s.parse().map_err(|_| format!("error parsing ip: {s}")))
        .collect()
}

fn create(
    rng: &mut Rng,
    template: &Template,
    key: &PrivateKey,
    parent: Option<(&Certificate, &PrivateKey)>,
) -> Result<Certificate, String> {
    let failed = |e: &dyn std::fmt::Display| format!("error creating certificate: {e}");
    let subject = cn_name(&template.cn)?;
    let (issuer, issuer_key_id, signer) = match parent {
        None => (subject.clone(), None, key),
        Some((ca, ca_key)) => {
            let (_, der) = pem_decode(&ca.cert).ok_or("unable to decode certificate")?;
            let cert = x509_cert::Certificate::from_der(&der)
                .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
            let ski = cert
                .tbs_certificate()
                .get_extension::<SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .map(|(_, ski)| ski.0.as_bytes().to_vec());
            (cert.tbs_certificate().subject().clone(), ski, ca_key)
        }
    };
    let profile = GoProfile {
        subject,
        issuer,
        ca: template.ca,
        issuer_key_id,
        dns: template.dns.clone(),
        ips: template.ips.clone(),
    };
    let mut serial = [0u8; 16];
    rng.fill_bytes(&mut serial);
    serial[0] &= 0x7f;
    let serial = SerialNumber::new(&serial).map_err(|e| failed(&e))?;
    let now = std::time::SystemTime::now();
    let days = template.days.clamp(-36_500, 36_500);
    let secs = std::time::Duration::from_secs(days.unsigned_abs() * 86_400);
    let not_after = if days >= 0 { now + secs } else { now - secs };
    let validity = Validity::new(
        x509_cert::time::Time::try_from(now).map_err(|e| failed(&e))?,
        x509_cert::time::Time::try_from(not_after).map_err(|e| failed(&e))?,
    );
    let spki = key.public_key_info()?;
    let builder =
        CertificateBuilder::new(profile, serial, validity, spki).map_err(|e| failed(&e))?;
    let cert = match signer {
        PrivateKey::Rsa(k) => {
            let s = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone());
            builder.build::<_, rsa::pkcs1v15::Signature>(&s)
        }
        PrivateKey::Ecdsa(k) => {
            let s = p256::ecdsa::SigningKey::from(k);
            builder.build::<_, p256::ecdsa::DerSignature>(&s)
        }
        PrivateKey::Ed25519(k) => builder.build::<_, ed25519_dalek::Signature>(&**k),
        PrivateKey::Dsa(_) => {
            return Err(
                "error creating certificate: x509: certificate private key does not implement crypto.Signer"
                    .into(),
            )
        }
    }
    .map_err(|e| failed(&e))?;
    let pem = cert
        .to_pem(x509_cert::der::pem::LineEnding::LF)
        .map_err(|e| format!("error pem-encoding certificate: {e}"))?;
    Ok(Certificate {
        cert: pem,
        key: key.to_pem()?,
    })
}

fn key_or_new(rng: &mut Rng, key_pem: Option<&str>) -> Result<PrivateKey, String> {
    match key_pem {
        Some(pem) => PrivateKey::from_pem(pem).map_err(|e| format!("parsing private key: {e}")),
        None => PrivateKey::rsa(rng, 2048),
    }
}

/// sprig's `genCA cn days` (a new 2048-bit RSA key) and `genCAWithKey cn days key`.
pub fn gen_ca(
    rng: &mut Rng,
    cn: &str,
    days: i64,
    key_pem: Option<&str>,
) -> Result<Certificate, String> {
    let key = key_or_new(rng, key_pem)?;
    let template = Template {
        cn: cn.to_owned(),
        ips: Vec::new(),
        dns: Vec::new(),
        days,
        ca: true,
    };
    create(rng, &template, &key, None)
}

/// sprig's `genSelfSignedCert cn ips dns days` and `genSelfSignedCertWithKey … key`.
pub fn gen_self_signed_cert(
    rng: &mut Rng,
    cn: &str,
    ips: &[String],
    dns: &[String],
    days: i64,
    key_pem: Option<&str>,
) -> Result<Certificate, String> {
    let key = key_or_new(rng, key_pem)?;
    create(rng, &leaf_template(cn, ips, dns, days)?, &key, None)
}

/// The template of a leaf (non-CA) certificate for `cn`, its IP and DNS names and lifetime.
fn leaf_template(cn: &str, ips: &[String], dns: &[String], days: i64) -> Result<Template, String> {
    Ok(Template {
        cn: cn.to_owned(),
        ips: parse_ips(ips)?,
        dns: dns.to_vec(),
        days,
        ca: false,
    })
}

/// sprig's `genSignedCert cn ips dns days ca` and `genSignedCertWithKey … ca key`.
pub fn gen_signed_cert(
    rng: &mut Rng,
    cn: &str,
    ips: &[String],
    dns: &[String],
    days: i64,
    ca: &Certificate,
    key_pem: Option<&str>,
) -> Result<Certificate, String> {
    let template = leaf_template(cn, ips, dns, days)?;
    let key = key_or_new(rng, key_pem)?;
    let ca_key =
        PrivateKey::from_pem(&ca.key).map_err(|e| format!("error parsing private key: {e}"))?;
    create(rng, &template, &key, Some((ca, &ca_key)))
}

/// sprig's `buildCustomCert b64cert b64key`: checks both and returns them decoded.
pub fn build_custom_cert(b64cert: &str, b64key: &str) -> Result<Certificate, String> {
    let std = base64::engine::general_purpose::STANDARD;
    let cert = std
        .decode(b64cert)
        .map_err(|_| "unable to decode base64 certificate".to_owned())?;
    let key = std
        .decode(b64key)
        .map_err(|_| "unable to decode base64 private key".to_owned())?;
    let cert = String::from_utf8_lossy(&cert).into_owned();
    let key = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem_decode(&cert).ok_or("unable to decode certificate")?;
    x509_cert::Certificate::from_der(&der)
        .map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    PrivateKey::from_pem(&key).map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(Certificate { cert, key })
}

/// sprig's `encryptAES password plaintext`: AES-256-CBC, key = password bytes zero-padded or cut
/// to 32, PKCS#7 padding, random IV first, all base64.
pub fn encrypt_aes(rng: &mut Rng, password: &str, plaintext: &str) -> Result<String, String> {
    use cbc::cipher::{BlockModeEncrypt as _, KeyIvInit as _};
    if plaintext.is_empty() {
        return Ok(String::new());
    }
    let key = aes_key(password);
    let mut iv = [0u8; 16];
    rng.fill_bytes(&mut iv);
    let enc = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into());
    let body = enc.encrypt_padded_vec::<cbc::cipher::block_padding::Pkcs7>(plaintext.as_bytes());
    let mut out = iv.to_vec();
    out.extend_from_slice(&body);
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// sprig's `decryptAES password ciphertext`: the inverse of [`encrypt_aes`].
pub fn decrypt_aes(password: &str, crypt64: &str) -> Result<String, String> {
    use cbc::cipher::{BlockModeDecrypt as _, KeyIvInit as _};
    if crypt64.is_empty() {
        return Ok(String::new());
    }
    let data = crate::functions::encoding::go_base64_decode(crypt64.as_bytes())
        .map_err(|at| format!("illegal base64 data at input byte {at}"))?;
    if data.len() < 16 {
        return Err("runtime error: slice bounds out of range [:16]".into());
    }
    let (iv, body) = data.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let iv: [u8; 16] = iv.try_into().map_err(|_| "bad IV".to_owned())?;
    let dec = cbc::Decryptor::<aes::Aes256>::new(&aes_key(password).into(), &iv.into());
    let mut plain = dec
        .decrypt_padded_vec::<cbc::cipher::block_padding::NoPadding>(body)
        .map_err(|e| e.to_string())?;
    // sprig strips as many bytes as the last one says, unchecked.
    let pad = plain.last().copied().map_or(0, usize::from);
    if pad > plain.len() {
        return Err(format!(
            "runtime error: slice bounds out of range [:{}]",
            plain.len() as i64 - pad as i64
        ));
    }
    plain.truncate(plain.len() - pad);
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

// ------------------------------------------------------------------ Go template functions

use crate::render::gotmpl::{CallCtx, FuncError, Object, Value};

/// sprig's `certificate` struct as templates see it (`.Cert`, `.Key`).
#[derive(Debug)]
struct CertObject(Certificate);

impl Object for CertObject {
    fn type_name(&self) -> String {
        "sprig.certificate".into()
    }

    fn kind(&self) -> &'static str {
        "struct"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.0.cert)),
            "Key" => Some(Value::str(&self.0.key)),
            _ => None,
        }
    }

    fn fmt_v(&self) -> String {
        format!("{{{} {}}}", self.0.cert, self.0.key)
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"Cert": self.0.cert, "Key": self.0.key})
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn cert_value(c: Result<Certificate, String>) -> Result<Value, FuncError> {
    c.map(|c| Value::object(CertObject(c)))
        .map_err(crate::functions::call_err)
}

fn cert_arg(v: &Value) -> Result<Certificate, FuncError> {
    if let Value::Object(o) = v {
        if let Some(c) = o.as_any().downcast_ref::<CertObject>() {
            return Ok(c.0.clone());
        }
    }
    Err(crate::functions::wrong_type("sprig.certificate", v))
}

/// An `ips` or `dns` argument (`[]interface {}` of strings; nil is an empty list).
fn names_arg(v: &Value, what: &str) -> Result<Vec<String>, FuncError> {
    if v.is_nil() {
        return Ok(Vec::new());
    }
    let list = crate::functions::list_arg(v)?;
    list.items()
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(s.to_string()),
            other => Err(crate::functions::call_err(format!(
                "{what}: {} is not a string",
                other.to_go_string()
            ))),
        })
        .collect()
}

fn with_rng<T>(ctx: &CallCtx<'_>, f: impl FnOnce(&mut Rng) -> T) -> T {
    crate::functions::random::with_rng(ctx.seed(), |rng| f(rng))
}

pub(crate) fn register(map: &mut crate::render::gotmpl::FuncMap) {
    use crate::functions::{call_err, int_arg, str_arg};
    use crate::render::gotmpl::Arity::Exact;
    fn text(v: &Value) -> Result<&[u8], FuncError> {
        Ok(str_arg(v)?.as_bytes())
    }
    map.add("sha1sum", Exact(1), |_, a| {
        Ok(Value::from(sha1sum(text(&a[0])?)))
    });
    map.add("sha256sum", Exact(1), |_, a| {
        Ok(Value::from(sha256sum(text(&a[0])?)))
    });
    map.add("sha512sum", Exact(1), |_, a| {
        Ok(Value::from(sha512sum(text(&a[0])?)))
    });
    map.add("adler32sum", Exact(1), |_, a| {
        Ok(Value::from(adler32sum(text(&a[0])?)))
    });
    map.add("bcrypt", Exact(1), |ctx, a| {
        let pw = str_arg(&a[0])?;
        Ok(Value::from(with_rng(ctx, |rng| bcrypt(rng, pw))))
    });
    map.add("htpasswd", Exact(2), |ctx, a| {
        let (user, pw) = (str_arg(&a[0])?, str_arg(&a[1])?);
        Ok(Value::from(with_rng(ctx, |rng| htpasswd(rng, user, pw))))
    });
    map.add("derivePassword", Exact(5), |_, a| {
        let counter = match &a[0] {
            Value::Int(i) | Value::Int64(i) if (0..=i64::from(u32::MAX)).contains(i) => *i as u32,
            other => return Err(crate::functions::wrong_type("uint32", other)),
        };
        let (kind, pw, user, site) = (
            str_arg(&a[1])?,
            str_arg(&a[2])?,
            str_arg(&a[3])?,
            str_arg(&a[4])?,
        );
        Ok(Value::from(derive_password(counter, kind, pw, user, site)))
    });
    map.add("genPrivateKey", Exact(1), |ctx, a| {
        let kind = str_arg(&a[0])?;
        let pem = with_rng(ctx, |rng| {
            PrivateKey::generate(rng, kind).and_then(|k| k.to_pem())
        });
        // sprig returns its error text as the key.
        Ok(Value::from(pem.unwrap_or_else(|e| e)))
    });
    map.add("buildCustomCert", Exact(2), |_, a| {
        cert_value(build_custom_cert(str_arg(&a[0])?, str_arg(&a[1])?))
    });
    map.add("genCA", Exact(2), |ctx, a| {
        let (cn, days) = (str_arg(&a[0])?, int_arg(&a[1])?);
        cert_value(with_rng(ctx, |rng| gen_ca(rng, cn, days, None)))
    });
    map.add("genCAWithKey", Exact(3), |ctx, a| {
        let (cn, days, key) = (str_arg(&a[0])?, int_arg(&a[1])?, str_arg(&a[2])?);
        cert_value(with_rng(ctx, |rng| gen_ca(rng, cn, days, Some(key))))
    });
    map.add("genSelfSignedCert", Exact(4), |ctx, a| {
        let cn = str_arg(&a[0])?;
        let ips = names_arg(&a[1], "error parsing ip")?;
        let dns = names_arg(&a[2], "error processing alternate dns name")?;
        let days = int_arg(&a[3])?;
        cert_value(with_rng(ctx, |rng| {
            gen_self_signed_cert(rng, cn, &ips, &dns, days, None)
        }))
    });
    map.add("genSelfSignedCertWithKey", Exact(5), |ctx, a| {
        let cn = str_arg(&a[0])?;
        let ips = names_arg(&a[1], "error parsing ip")?;
        let dns = names_arg(&a[2], "error processing alternate dns name")?;
        let (days, key) = (int_arg(&a[3])?, str_arg(&a[4])?);
        cert_value(with_rng(ctx, |rng| {
            gen_self_signed_cert(rng, cn, &ips, &dns, days, Some(key))
        }))
    });
    map.add("genSignedCert", Exact(5), |ctx, a| {
        let cn = str_arg(&a[0])?;
        let ips = names_arg(&a[1], "error parsing ip")?;
        let dns = names_arg(&a[2], "error processing alternate dns name")?;
        let (days, ca) = (int_arg(&a[3])?, cert_arg(&a[4])?);
        cert_value(with_rng(ctx, |rng| {
            gen_signed_cert(rng, cn, &ips, &dns, days, &ca, None)
        }))
    });
    map.add("genSignedCertWithKey", Exact(6), |ctx, a| {
        let cn = str_arg(&a[0])?;
        let ips = names_arg(&a[1], "error parsing ip")?;
        let dns = names_arg(&a[2], "error processing alternate dns name")?;
        let (days, ca, key) = (int_arg(&a[3])?, cert_arg(&a[4])?, str_arg(&a[5])?);
        cert_value(with_rng(ctx, |rng| {
            gen_signed_cert(rng, cn, &ips, &dns, days, &ca, Some(key))
        }))
    });
    map.add("encryptAES", Exact(2), |ctx, a| {
        let (pw, plain) = (str_arg(&a[0])?, str_arg(&a[1])?);
        let out = with_rng(ctx, |rng| encrypt_aes(rng, pw, plain)).map_err(call_err)?;
        Ok(Value::from(out))
    });
    map.add("decryptAES", Exact(2), |_, a| {
        let out = decrypt_aes(str_arg(&a[0])?, str_arg(&a[1])?).map_err(call_err)?;
        Ok(Value::from(out))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> rand::rngs::ThreadRng {
        rand::rng()
    }
    use x509_cert::der::DecodePem as _;

    // Expected values printed by helm 4.1.4.
    #[test]
    fn hashes_and_derived_passwords_match_helm() {
        assert_eq!(sha1sum(b"kiln"), "7908ea50dacbb9a91898af51d70a054211d46dee");
        assert_eq!(
            sha256sum(b"kiln"),
            "cdfe9ad58b46226d63eb322dacd35f4f7ac38096180c87258c142e4bca9a3cf5"
        );
        assert!(sha512sum(b"kiln").starts_with("25b9ba0f45ae5ac07151fab3179a4a85"));
        assert_eq!(adler32sum(b"kiln"), "70320559");
        assert_eq!(
            derive_password(1, "long", "password", "user", "example.com"),
            "ZedaFaxcZaso9*"
        );
        assert_eq!(
            derive_password(3, "maximum", "pw", "u", "s"),
            "b9$3@lm3FOLUFJ1mTnXS"
        );
        assert_eq!(
            derive_password(1, "nope", "pw", "u", "s"),
            "cannot find password template nope"
        );
    }

    #[test]
    fn bcrypt_verifies_both_ways_with_go() {
        // A hash helm's bcrypt produced for "pw".
        let go = "$2a$10$ycjPAWs0PU34pE/CqvRr7eW1AiqYKJc2CMePf8FLaWOZTD3L..A02";
        assert!(bcrypt::verify("pw", go).unwrap());
        let ours = bcrypt(&mut rng(), "pw");
        assert!(ours.starts_with("$2a$10$"), "{ours}");
        assert!(bcrypt::verify("pw", &ours).unwrap());
        let line = htpasswd(&mut rng(), "admin", "pw");
        assert!(bcrypt::verify("pw", line.strip_prefix("admin:").unwrap()).unwrap());
        assert_eq!(htpasswd(&mut rng(), "a:b", "pw"), "invalid username: a:b");
    }

    #[test]
    fn aes_reads_what_helm_wrote_and_round_trips() {
        let from_helm = "vz6nk02g8DpXLeKzqBBHURbG7YklAYtfX0W7ygCuDUo=";
        assert_eq!(decrypt_aes("secretkey", from_helm).unwrap(), "hello kiln");
        let ours = encrypt_aes(&mut rng(), "secretkey", "hello kiln").unwrap();
        assert_ne!(ours, from_helm, "a fresh IV every time");
        assert_eq!(decrypt_aes("secretkey", &ours).unwrap(), "hello kiln");
        assert_eq!(encrypt_aes(&mut rng(), "k", "").unwrap(), "");
    }

    #[test]
    fn private_keys_in_go_pem_forms_and_read_back() {
        for (kind, label) in [("ecdsa", "EC PRIVATE KEY"), ("ed25519", "PRIVATE KEY")] {
            let pem = PrivateKey::generate(&mut rng(), kind)
                .unwrap()
                .to_pem()
                .unwrap();
            assert!(
                pem.starts_with(&format!("-----BEGIN {label}-----\n")),
                "{pem}"
            );
            assert!(PrivateKey::from_pem(&pem).is_ok(), "{kind}");
        }
        assert_eq!(
            PrivateKey::generate(&mut rng(), "nope").err().unwrap(),
            "Unknown type nope"
        );
    }

    #[test]
    fn dsa_parameters_are_l2048_n256_with_q_dividing_p_minus_1() {
        use crypto_bigint::{BoxedUint, NonZero, Resize};
        let c = dsa_parameters(&mut rand::rng()).unwrap();
        let (p, q, g) = (c.p(), c.q(), c.g());
        assert_eq!((p.bit_width(), q.bit_width()), (2048, 256));
        assert!(crypto_primes::is_prime(crypto_primes::Flavor::Any, &**p));
        assert!(crypto_primes::is_prime(crypto_primes::Flavor::Any, &**q));
        let q_wide = NonZero::new((**q).clone().resize(2048)).unwrap();
        let p_minus_1 = (**p).wrapping_sub(BoxedUint::one_with_precision(2048));
        assert!(bool::from(p_minus_1.rem_vartime(&q_wide).is_zero()));
        assert!(!bool::from(g.is_one()));
        let groups = small_prime_groups();
        assert_eq!(groups[0].1[..4], [3, 5, 7, 11]);
        assert!(groups
            .iter()
            .all(|(product, primes)| primes.iter().product::<u64>() == *product));
        assert_eq!(groups.iter().map(|(_, ps)| ps.len()).sum::<usize>(), 563);
    }

    fn parse(pem: &str) -> x509_cert::Certificate {
        x509_cert::Certificate::from_pem(pem.as_bytes()).unwrap()
    }

    #[test]
    fn ca_signs_a_certificate_with_names_and_go_extensions() {
        let ca = gen_ca(&mut rng(), "my-ca", 365, None).unwrap();
        assert!(ca.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
        let ips = vec!["10.0.0.1".to_owned(), "::1".to_owned()];
        let dns = vec!["svc".to_owned(), "svc.ns".to_owned()];
        let leaf = gen_signed_cert(&mut rng(), "svc.local", &ips, &dns, 30, &ca, None).unwrap();
        let (ca_cert, cert) = (parse(&ca.cert), parse(&leaf.cert));
        let tbs = cert.tbs_certificate();
        assert_eq!(tbs.subject().to_string(), "CN=svc.local");
        assert_eq!(tbs.issuer().to_string(), "CN=my-ca");
        let (critical, bc) = tbs.get_extension::<BasicConstraints>().unwrap().unwrap();
        assert!(critical && !bc.ca);
        let (_, san) = tbs.get_extension::<SubjectAltName>().unwrap().unwrap();
        assert_eq!(san.0.len(), 4);
        let (_, aki) = tbs
            .get_extension::<AuthorityKeyIdentifier>()
            .unwrap()
            .unwrap();
        let (_, ski) = ca_cert
            .tbs_certificate()
            .get_extension::<SubjectKeyIdentifier>()
            .unwrap()
            .unwrap();
        assert_eq!(aki.key_identifier.unwrap(), ski.0);
        let (_, ca_bc) = ca_cert
            .tbs_certificate()
            .get_extension::<BasicConstraints>()
            .unwrap()
            .unwrap();
        assert!(ca_bc.ca);

        // The leaf's signature verifies with the CA's public key.
        use rsa::pkcs8::DecodePublicKey as _;
        use rsa::signature::Verifier as _;
        use x509_cert::der::Encode as _;
        let ca_spki = ca_cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap();
        let public = rsa::PublicKey::from_public_key_der(&ca_spki).unwrap();
        let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public);
        let signature = rsa::pkcs1v15::Signature::try_from(cert.signature().raw_bytes()).unwrap();
        verifier
            .verify(&tbs.to_der().unwrap(), &signature)
            .expect("signed by the CA");

        assert_eq!(
            gen_signed_cert(&mut rng(), "x", &["nope".to_owned()], &[], 1, &ca, None).unwrap_err(),
            "error parsing ip: nope"
        );
    }

    #[test]
    fn self_signed_with_a_given_ecdsa_key() {
        let key = PrivateKey::generate(&mut rng(), "ecdsa")
            .unwrap()
            .to_pem()
            .unwrap();
        let c = gen_self_signed_cert(
            &mut rng(),
            "me",
            &[],
            &["me.example".to_owned()],
            10,
            Some(&key),
        )
        .unwrap();
        assert_eq!(c.key, key);
        let cert = parse(&c.cert);
        assert_eq!(cert.tbs_certificate().issuer().to_string(), "CN=me");
        let custom = build_custom_cert(&encoding_b64(&c.cert), &encoding_b64(&c.key)).unwrap();
        assert_eq!(custom, c);
        assert_eq!(
            build_custom_cert("!!", "").unwrap_err(),
            "unable to decode base64 certificate"
        );
    }

    fn encoding_b64(s: &str) -> String {
        crate::functions::encoding::b64enc(s.as_bytes())
    }
}
