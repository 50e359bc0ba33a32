#pragma once

#include <QByteArray>

/**
 * Signature and key checks on DER bytes with OpenSSL's libcrypto, for trust decisions that do
 * not go through a CA store: DANE-TA with a trust anchor the server does not send (RFC 7671
 * s.5.2.2), and a presented chain's own links. Every function takes untrusted bytes and answers
 * false (or empty) for anything that does not parse.
 */
class SignatureCheck final
{
public:
    enum class Result
    {
        Valid, ///< the signature verifies under the key
        Invalid, ///< both parse, the signature does not verify (another key, or tampered)
        BadCertificate, ///< the certificate bytes are not a DER X.509 certificate
        BadKey, ///< the key bytes are not a DER SubjectPublicKeyInfo
    };

    /// Whether the certificate `certDer` carries a signature made with the key `spkiDer` (a DER
    /// SubjectPublicKeyInfo, RFC 5280 s.4.1.2.7, as in a TLSA record with selector 1).
    static Result verifyWithKey(const QByteArray& certDer, const QByteArray& spkiDer);
    /// The same with the issuer's key taken from the certificate `issuerDer`.
    static Result verifyWithCertificate(const QByteArray& certDer, const QByteArray& issuerDer);
    /// The DER SubjectPublicKeyInfo of the certificate `certDer`; empty when it does not parse.
    static QByteArray subjectPublicKeyInfo(const QByteArray& certDer);
};
