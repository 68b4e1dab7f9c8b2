"""A throwaway certification authority for the electronic-signature tests."""
from __future__ import annotations


class SigningPki:
    """A throwaway certification authority in a folder, and signing certificates it issues."""

    def __init__(self, folder):
        from datetime import UTC, datetime, timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self.folder = folder
        self.now = datetime.now(UTC)
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA Uji Portal Integritas")])
        self.ca_cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                        .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
                        .not_valid_before(self.now - timedelta(days=1)).not_valid_after(self.now + timedelta(days=3650))
                        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                       critical=True)
                        .sign(self.ca_key, hashes.SHA256()))
        self.roots = folder / "ca.pem"
        self.roots.write_bytes(self.ca_cert.public_bytes(serialization.Encoding.PEM))

    @property
    def ca(self):
        """The CA certificate as pyHanko's validation context takes it."""
        from asn1crypto import x509 as asn1_x509
        from cryptography.hazmat.primitives import serialization

        return asn1_x509.Certificate.load(self.ca_cert.public_bytes(serialization.Encoding.DER))

    def signer(self, *, name="Dr. Andi Saputra, S.E.", title="Inspektur", valid_from_days=-1, valid_days=365,
               non_repudiation=True, passphrase="rahasia-uji-123", file="signer.p12", fetch_url=None) -> dict:
        """A PKCS#12 with a signing certificate issued by the CA; returns the app settings for it.
        `fetch_url`: the certificate names it for its CRL, OCSP responder and issuer."""
        from datetime import timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import pkcs12
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
        if title:
            attributes.append(x509.NameAttribute(NameOID.TITLE, title))
        start = self.now + timedelta(days=valid_from_days)
        cert = (x509.CertificateBuilder().subject_name(x509.Name(attributes)).issuer_name(self.ca_cert.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(start + timedelta(days=valid_days))
                .add_extension(x509.KeyUsage(True, non_repudiation, False, False, False, False, False, False, False),
                               critical=True))
        if fetch_url:
            from cryptography.x509.oid import AuthorityInformationAccessOID

            where = x509.UniformResourceIdentifier(fetch_url)
            cert = cert.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint([where], None, None, None)]),
                                      critical=False).add_extension(x509.AuthorityInformationAccess([
                                          x509.AccessDescription(AuthorityInformationAccessOID.OCSP, where),
                                          x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS, where)]),
                                          critical=False)
        cert = cert.sign(self.ca_key, hashes.SHA256())
        path = self.folder / file
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"signer", key, cert, [self.ca_cert], serialization.BestAvailableEncryption(passphrase.encode())))
        return {"SIGNING_PKCS12": str(path), "SIGNING_PASSPHRASE": passphrase, "SIGNING_TRUST_ROOTS": str(self.roots)}
