#pragma once

#include <optional>
#include <QList>
#include <QSslCertificate>
#include <QSslCipher>
#include <QString>

/// How the client side of one TLS handshake is set up.
struct TlsClientOptions
{
    /// The name certificates are checked against: the host as the user typed it.
    QString peerVerifyName;
    /// Extra trust anchors (--ca-file), added to the system's.
    QList<QSslCertificate> extraCaCertificates;
    /// Offer exactly this protocol (version probes); unset means Qt's secure default.
    std::optional<QSsl::SslProtocol> protocol;
    /// OpenSSL cipher string for the backend ("DEFAULT:@SECLEVEL=0" lets probes reach old TLS).
    QString backendCipherString;
    /// OpenSSL TLS 1.3 suite list for the backend ("Ciphersuites" option), e.g. one suite to test
    /// it alone; empty means the library's default.
    QString backendCipherSuites;
    /// Offer only these ciphers (cipher enumeration); empty means the default list.
    QList<QSslCipher> ciphers;
    /// Ask for a stapled OCSP response. A missing staple then fails the handshake (Qt 6.4).
    bool requestOcspStapling = false;
};
