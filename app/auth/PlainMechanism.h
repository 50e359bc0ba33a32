#pragma once

#include "SaslMechanism.h"

/// PLAIN (RFC 4616): one message, `authzid NUL authcid NUL password`, sent as the initial response.
class PlainMechanism final : public SaslMechanism
{
public:
    using SaslMechanism::SaslMechanism;

    QByteArray name() const override { return QByteArrayLiteral("PLAIN"); }
    std::optional<QByteArray> initialResponse() override;
    std::optional<QByteArray> respond(const QByteArray& challenge) override;

private:
    QByteArray message() const;
    bool m_sent = false;
};
