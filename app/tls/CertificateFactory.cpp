#include "CertificateFactory.h"

#include <memory>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCertFactory, "mailscope.certfactory", QtInfoMsg)

namespace {

struct Deleter
{
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template<typename T> using Owned = std::unique_ptr<T, Deleter>;

Owned<EVP_PKEY> generateKey(int rsaBits)
{
    if (rsaBits > 0)
        return Owned<EVP_PKEY>(EVP_RSA_gen(static_cast<unsigned int>(rsaBits)));
    return Owned<EVP_PKEY>(EVP_EC_gen("P-256"));
}

QByteArray bioBytes(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

Owned<EVP_PKEY> readKey(const QByteArray& pem)
{
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Owned<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

bool addExtension(X509* cert, X509V3_CTX* ctx, int nid, const QByteArray& value)
{
    Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.constData()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

const EVP_MD* digestFor(QCryptographicHash::Algorithm algorithm)
{
    switch (algorithm) {
    case QCryptographicHash::Sha1:
        return EVP_sha1();
    case QCryptographicHash::Sha384:
        return EVP_sha384();
    case QCryptographicHash::Sha512:
        return EVP_sha512();
    default:
        return EVP_sha256();
    }
}

IssuedCertificate build(const CertificateRequest& request, const X509* issuerCert, EVP_PKEY* issuerKey)
{
    Owned<EVP_PKEY> key = generateKey(request.rsaBits);
    Owned<X509> cert(X509_new());
    if (!key || !cert)
        return {};
    X509_set_version(cert.get(), 2); // v3

    Owned<BIGNUM> serial(BN_new());
    BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
    ASN1_TIME_set(X509_getm_notBefore(cert.get()), time_t(request.notBefore.toSecsSinceEpoch()));
    ASN1_TIME_set(X509_getm_notAfter(cert.get()), time_t(request.notAfter.toSecsSinceEpoch()));
    X509_set_pubkey(cert.get(), key.get());

    X509_NAME* name = X509_get_subject_name(cert.get());
    const QByteArray organization = request.organization.toUtf8();
    const QByteArray commonName = request.commonName.toUtf8();
    if (!organization.isEmpty()) {
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(organization.constData()), -1, -1,
                                   0);
    }
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(commonName.constData()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuerCert ? X509_get_subject_name(issuerCert) : name);

    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, const_cast<X509*>(issuerCert ? issuerCert : cert.get()), cert.get(), nullptr,
                   nullptr, 0);
    bool ok =
        addExtension(cert.get(), &ctx, NID_basic_constraints,
                     request.isCa ? QByteArrayLiteral("critical,CA:TRUE") : QByteArrayLiteral("CA:FALSE"));
    ok = ok
         && addExtension(cert.get(), &ctx, NID_key_usage,
                         request.isCa ? QByteArrayLiteral("critical,keyCertSign,cRLSign")
                                      : QByteArrayLiteral("critical,digitalSignature,keyEncipherment"));
    ok = ok && addExtension(cert.get(), &ctx, NID_subject_key_identifier, QByteArrayLiteral("hash"));
    if (issuerCert)
        ok = ok
             && addExtension(cert.get(), &ctx, NID_authority_key_identifier,
                             QByteArrayLiteral("keyid:always"));
    if (!request.isCa)
        ok = ok && addExtension(cert.get(), &ctx, NID_ext_key_usage, QByteArrayLiteral("serverAuth"));
    QStringList alt;
    for (const QString& dns : request.dnsNames)
        alt.append(QStringLiteral("DNS:") + dns);
    for (const QHostAddress& ip : request.ipAddresses)
        alt.append(QStringLiteral("IP:") + ip.toString());
    if (!alt.isEmpty())
        ok = ok && addExtension(cert.get(), &ctx, NID_subject_alt_name, alt.join(QLatin1Char(',')).toUtf8());
    if (!ok) {
        qCWarning(lcCertFactory) << "could not add the certificate extensions";
        return {};
    }

    if (X509_sign(cert.get(), issuerKey ? issuerKey : key.get(), digestFor(request.signature)) <= 0) {
        qCWarning(lcCertFactory) << "could not sign the certificate";
        return {};
    }

    Owned<BIO> certBio(BIO_new(BIO_s_mem()));
    Owned<BIO> keyBio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(certBio.get(), cert.get());
    PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);

    IssuedCertificate issued;
    issued.certificate = QSslCertificate(bioBytes(certBio.get()), QSsl::Pem);
    issued.keyPem = bioBytes(keyBio.get());
    issued.key =
        QSslKey(issued.keyPem, request.rsaBits > 0 ? QSsl::Rsa : QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    return issued;
}

} // namespace

IssuedCertificate CertificateFactory::selfSigned(const CertificateRequest& request)
{
    return build(request, nullptr, nullptr);
}

IssuedCertificate CertificateFactory::issue(const CertificateRequest& request,
                                            const IssuedCertificate& issuer)
{
    const auto* issuerCert = static_cast<const X509*>(issuer.certificate.handle());
    Owned<EVP_PKEY> issuerKey = readKey(issuer.keyPem);
    if (!issuerCert || !issuerKey)
        return {};
    return build(request, issuerCert, issuerKey.get());
}
