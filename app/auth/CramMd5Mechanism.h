#pragma once

#include "SaslMechanism.h"

/// CRAM-MD5 (RFC 2195): answers the server's challenge with `user SP hex(HMAC-MD5(password, challenge))`.
/// The password itself never crosses the wire.
class CramMd5Mechanism final : public SaslMechanism
{
public:
    using SaslMechanism::SaslMechanism;

    QByteArray name() const override { return QByteArrayLiteral("CRAM-MD5"); }
    std::optional<QByteArray> respond(const QByteArray& challenge) override;
    bool revealsSecret() const override { return false; }

    /// The response to `challenge` (exposed for the RFC 2195 test vector).
    static QByteArray digestResponse(const QByteArray& user, const QByteArray& secret,
                                     const QByteArray& challenge);

private:
    bool m_answered = false;
};
