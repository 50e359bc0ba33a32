#pragma once

#include "SaslMechanism.h"

/// LOGIN (draft-murchison-sasl-login): the server asks for the user name, then the password.
class LoginMechanism final : public SaslMechanism
{
public:
    using SaslMechanism::SaslMechanism;

    QByteArray name() const override { return QByteArrayLiteral("LOGIN"); }
    std::optional<QByteArray> respond(const QByteArray& challenge) override;

private:
    int m_step = 0;
};
