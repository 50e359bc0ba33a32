#include "CipherSuites.h"

#include <memory>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QSslSocket>

namespace {

QString tr(const char* text) { return QCoreApplication::translate("CipherSuites", text); }

int openSslVersion(TlsVersion version)
{
    switch (version) {
    case TlsVersion::V1_0:
        return TLS1_VERSION;
    case TlsVersion::V1_1:
        return TLS1_1_VERSION;
    case TlsVersion::V1_2:
        return TLS1_2_VERSION;
    case TlsVersion::V1_3:
        return TLS1_3_VERSION;
    }
    return TLS1_2_VERSION;
}

struct CtxFree
{
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree
{
    void operator()(SSL* s) const { SSL_free(s); }
};
struct PkeyFree
{
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free
{
    void operator()(X509* x) const { X509_free(x); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxFree>;
using SslPtr = std::unique_ptr<SSL, SslFree>;

QString lastOpenSslError()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return {};
    char buffer[256] = {};
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QString::fromLatin1(buffer);
}

/// A throw-away identity for the in-memory peer. EC P-256: made in well under a millisecond, and
/// ECDSA (with SHA-1 for TLS 1.0/1.1) is signable in every version.
struct LocalIdentity
{
    std::unique_ptr<EVP_PKEY, PkeyFree> key;
    std::unique_ptr<X509, X509Free> cert;
};

LocalIdentity makeIdentity()
{
    LocalIdentity id;
    id.key.reset(EVP_EC_gen("P-256"));
    if (!id.key)
        return id;
    id.cert.reset(X509_new());
    X509* x = id.cert.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("mailscope local capability check"), -1,
                               -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_pubkey(x, id.key.get());
    if (X509_sign(x, id.key.get(), EVP_sha256()) <= 0)
        id.cert.reset();
    return id;
}

/// Runs a client and a server handshake against each other through a BIO pair.
bool memoryHandshake(TlsVersion version, const LocalIdentity& id, QString* why)
{
    const int v = openSslVersion(version);
    CtxPtr serverCtx(SSL_CTX_new(TLS_server_method()));
    CtxPtr clientCtx(SSL_CTX_new(TLS_client_method()));
    if (!serverCtx || !clientCtx) {
        *why = tr("the TLS library could not create a context");
        return false;
    }
    // The peer accepts anything; only the client's own limits can make this fail.
    SSL_CTX_set_cipher_list(serverCtx.get(), "ALL:COMPLEMENTOFALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(serverCtx.get(), v);
    SSL_CTX_set_max_proto_version(serverCtx.get(), v);
    SSL_CTX_use_certificate(serverCtx.get(), id.cert.get());
    SSL_CTX_use_PrivateKey(serverCtx.get(), id.key.get());
    // The client exactly as a version probe is configured (CipherSuites::probeCipherString()).
    SSL_CTX_set_cipher_list(clientCtx.get(), CipherSuites::probeCipherString().toLatin1().constData());
    SSL_CTX_set_min_proto_version(clientCtx.get(), v);
    SSL_CTX_set_max_proto_version(clientCtx.get(), v);
    SSL_CTX_set_verify(clientCtx.get(), SSL_VERIFY_NONE, nullptr);

    SslPtr server(SSL_new(serverCtx.get()));
    SslPtr client(SSL_new(clientCtx.get()));
    BIO* clientBio = nullptr;
    BIO* serverBio = nullptr;
    BIO_new_bio_pair(&clientBio, 0, &serverBio, 0);
    SSL_set_bio(client.get(), clientBio, clientBio);
    SSL_set_bio(server.get(), serverBio, serverBio);
    SSL_set_connect_state(client.get());
    SSL_set_accept_state(server.get());
    ERR_clear_error();
    bool clientDone = false;
    bool serverDone = false;
    for (int round = 0; round < 32 && !(clientDone && serverDone); ++round) {
        if (!clientDone) {
            const int r = SSL_do_handshake(client.get());
            if (r == 1) {
                clientDone = true;
            } else if (const int e = SSL_get_error(client.get(), r);
                       e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                *why = lastOpenSslError();
                return false;
            }
        }
        if (!serverDone) {
            const int r = SSL_do_handshake(server.get());
            if (r == 1) {
                serverDone = true;
            } else if (const int e = SSL_get_error(server.get(), r);
                       e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                *why = lastOpenSslError();
                return false;
            }
        }
    }
    if (!clientDone || !serverDone) {
        *why = tr("the local handshake did not complete");
        return false;
    }
    return SSL_version(client.get()) == v;
}

} // namespace

QList<TlsVersion> CipherSuites::allVersions()
{
    return {TlsVersion::V1_0, TlsVersion::V1_1, TlsVersion::V1_2, TlsVersion::V1_3};
}

QString CipherSuites::versionName(TlsVersion version)
{
    switch (version) {
    case TlsVersion::V1_0:
        return QStringLiteral("TLSv1.0");
    case TlsVersion::V1_1:
        return QStringLiteral("TLSv1.1");
    case TlsVersion::V1_2:
        return QStringLiteral("TLSv1.2");
    case TlsVersion::V1_3:
        return QStringLiteral("TLSv1.3");
    }
    return {};
}

QSsl::SslProtocol CipherSuites::qtProtocol(TlsVersion version)
{
    // Exactly one version each: Qt sets both the minimum and the maximum for these values.
    QT_WARNING_PUSH
    QT_WARNING_DISABLE_DEPRECATED
    switch (version) {
    case TlsVersion::V1_0:
        return QSsl::TlsV1_0;
    case TlsVersion::V1_1:
        return QSsl::TlsV1_1;
    case TlsVersion::V1_2:
        return QSsl::TlsV1_2;
    case TlsVersion::V1_3:
        return QSsl::TlsV1_3;
    }
    QT_WARNING_POP
    return QSsl::TlsV1_2;
}

QString CipherSuites::probeCipherString()
{
    return QStringLiteral("ALL:COMPLEMENTOFALL:!PSK:!SRP:@SECLEVEL=0");
}

QString CipherSuites::cipherString(const QStringList& ciphers)
{
    return ciphers.join(QLatin1Char(':')) + QStringLiteral(":@SECLEVEL=0");
}

QStringList CipherSuites::candidates(TlsVersion version)
{
    if (version == TlsVersion::V1_3) {
        return {QStringLiteral("TLS_AES_256_GCM_SHA384"), QStringLiteral("TLS_CHACHA20_POLY1305_SHA256"),
                QStringLiteral("TLS_AES_128_GCM_SHA256"), QStringLiteral("TLS_AES_128_CCM_SHA256"),
                QStringLiteral("TLS_AES_128_CCM_8_SHA256")};
    }
    static QMutex mutex;
    static QHash<int, QStringList> cache;
    const QMutexLocker lock(&mutex);
    const int v = openSslVersion(version);
    if (const auto it = cache.constFind(v); it != cache.cend())
        return *it;
    QStringList names;
    CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (ctx && SSL_CTX_set_cipher_list(ctx.get(), probeCipherString().toLatin1().constData()) == 1) {
        SSL_CTX_set_min_proto_version(ctx.get(), v);
        SSL_CTX_set_max_proto_version(ctx.get(), v);
        SslPtr ssl(SSL_new(ctx.get()));
        if (STACK_OF(SSL_CIPHER)* list = ssl ? SSL_get1_supported_ciphers(ssl.get()) : nullptr) {
            for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
                const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
                // TLS 1.3 suites are probed separately (they are not negotiable below 1.3).
                if (qstrcmp(SSL_CIPHER_get_version(c), "TLSv1.3") == 0)
                    continue;
                names.append(QString::fromLatin1(SSL_CIPHER_get_name(c)));
            }
            sk_SSL_CIPHER_free(list);
        }
    }
    ERR_clear_error();
    cache.insert(v, names);
    return names;
}

bool CipherSuites::localSupport(TlsVersion version, QString* why)
{
    static QMutex mutex;
    static QHash<int, QString> failures; // version -> why ("" when supported)
    const QMutexLocker lock(&mutex);
    const int v = openSslVersion(version);
    if (!failures.contains(v)) {
        QString reason;
        if (!QSslSocket::supportsSsl() || !QSslSocket::isProtocolSupported(qtProtocol(version))) {
            reason = tr("the TLS backend does not offer %1 at all").arg(versionName(version));
        } else {
            static const LocalIdentity identity = makeIdentity();
            if (!identity.cert) {
                reason = tr("no local key could be made for the check");
            } else if (!memoryHandshake(version, identity, &reason) && reason.isEmpty()) {
                reason = tr("the local TLS library refuses %1").arg(versionName(version));
            }
        }
        failures.insert(v, reason);
    }
    const QString reason = failures.value(v);
    if (why)
        *why = reason;
    return reason.isEmpty();
}
