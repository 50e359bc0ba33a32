#include "SignatureCheck.h"

#include <memory>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace {

struct X509Deleter
{
    void operator()(X509* x) const { X509_free(x); }
};
struct PkeyDeleter
{
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

/// The whole of `der` must be one object: trailing bytes mean it is something else.
X509Ptr toX509(const QByteArray& der)
{
    if (der.isEmpty())
        return {};
    const auto* begin = reinterpret_cast<const unsigned char*>(der.constData());
    const unsigned char* p = begin;
    X509Ptr x(d2i_X509(nullptr, &p, long(der.size())));
    if (x && p != begin + der.size())
        return {};
    return x;
}

PkeyPtr toKey(const QByteArray& der)
{
    if (der.isEmpty())
        return {};
    const auto* begin = reinterpret_cast<const unsigned char*>(der.constData());
    const unsigned char* p = begin;
    PkeyPtr key(d2i_PUBKEY(nullptr, &p, long(der.size())));
    if (key && p != begin + der.size())
        return {};
    return key;
}

SignatureCheck::Result verify(X509* cert, EVP_PKEY* key)
{
    // X509_verify: 1 verified, 0 wrong signature, -1 unusable (e.g. key type and signature
    // algorithm disagree): both mean "not signed by this key".
    return X509_verify(cert, key) == 1 ? SignatureCheck::Result::Valid : SignatureCheck::Result::Invalid;
}

} // namespace

SignatureCheck::Result SignatureCheck::verifyWithKey(const QByteArray& certDer, const QByteArray& spkiDer)
{
    const X509Ptr cert = toX509(certDer);
    if (!cert)
        return Result::BadCertificate;
    const PkeyPtr key = toKey(spkiDer);
    if (!key)
        return Result::BadKey;
    return verify(cert.get(), key.get());
}

SignatureCheck::Result SignatureCheck::verifyWithCertificate(const QByteArray& certDer,
                                                             const QByteArray& issuerDer)
{
    const X509Ptr cert = toX509(certDer);
    const X509Ptr issuer = toX509(issuerDer);
    if (!cert || !issuer)
        return Result::BadCertificate;
    EVP_PKEY* key = X509_get0_pubkey(issuer.get());
    if (!key)
        return Result::BadKey;
    return verify(cert.get(), key);
}

QByteArray SignatureCheck::subjectPublicKeyInfo(const QByteArray& certDer)
{
    const X509Ptr cert = toX509(certDer);
    if (!cert)
        return {};
    EVP_PKEY* key = X509_get0_pubkey(cert.get());
    if (!key)
        return {};
    unsigned char* out = nullptr;
    const int len = i2d_PUBKEY(key, &out);
    if (len <= 0)
        return {};
    QByteArray bytes(reinterpret_cast<const char*>(out), len);
    OPENSSL_free(out);
    return bytes;
}
