#pragma once

#include "SaslMechanism.h"

/// XOAUTH2 (Google/Microsoft): `user=U ^A auth=Bearer TOKEN ^A ^A` as the initial response. The
/// secret is the OAuth access token the user obtained elsewhere. On failure the server sends a
/// challenge holding a JSON error; the client answers with an empty response and the server then
/// sends the final error reply.
class XOAuth2Mechanism final : public SaslMechanism
{
public:
    using SaslMechanism::SaslMechanism;

    QByteArray name() const override { return QByteArrayLiteral("XOAUTH2"); }
    std::optional<QByteArray> initialResponse() override;
    std::optional<QByteArray> respond(const QByteArray& challenge) override;

private:
    QByteArray message() const;
    bool m_sent = false;
    bool m_errorSeen = false;
};
