#pragma once

#include "tls/CertificateFactory.h"

#include <QList>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>

/**
 * The test PKI, issued in-process with CertificateFactory (no files, no openssl CLI): a root CA
 * the client is told to trust, an intermediate under it, and server identities for every
 * certificate problem the engine must recognise. Generated once per test process (EC P-256, so
 * it costs milliseconds) and shared.
 *
 * Every identity is for the loopback server: names `localhost` and `127.0.0.1` unless the kind
 * says otherwise.
 */
class TestPki final
{
public:
    enum class Kind
    {
        Good, ///< leaf by the intermediate, CN/SAN localhost + IP 127.0.0.1; chain leaf+intermediate
        Expired, ///< as Good, validity entirely in the past
        NotYetValid, ///< as Good, validity starts in the future
        WrongHost, ///< as Good, but for mail.wrong.invalid only
        SelfSigned, ///< a self-signed leaf for localhost / 127.0.0.1
        UntrustedCa, ///< as Good, but issued by a root CA the client does not trust
    };

    /// What a server presents: leaf first, then intermediates; and the leaf's key.
    struct Identity
    {
        QList<QSslCertificate> chain;
        QSslKey key;
        bool isNull() const { return chain.isEmpty() || key.isNull(); }
    };

    static const TestPki& instance();

    /// The trust anchor to put in ProbeOptions::extraCaCertificates.
    QList<QSslCertificate> caCertificates() const { return {m_root.certificate}; }
    const IssuedCertificate& root() const { return m_root; }
    const IssuedCertificate& intermediate() const { return m_intermediate; }
    Identity identity(Kind kind) const;
    /// "good", "expired", ... (for test row names).
    static QString name(Kind kind);
    /// True when every certificate was issued.
    bool isValid() const { return m_valid; }

private:
    TestPki();

    IssuedCertificate m_root;
    IssuedCertificate m_intermediate;
    IssuedCertificate m_otherRoot;
    IssuedCertificate m_good;
    IssuedCertificate m_expired;
    IssuedCertificate m_notYetValid;
    IssuedCertificate m_wrongHost;
    IssuedCertificate m_selfSigned;
    IssuedCertificate m_untrusted;
    bool m_valid = false;
};
