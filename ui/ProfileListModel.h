#pragma once

#include "profiles/ServerProfile.h"

#include <optional>
#include <QAbstractListModel>
#include <QList>

class ProfileStore;

/**
 * The saved profiles as a list (in the store's order; the sidebar sorts and filters through a
 * proxy). Editing the name (F2 in the sidebar) renames the profile in the store.
 */
class ProfileListModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role
    {
        IdRole = Qt::UserRole + 1,
        /// Name, host (or mail domain) and notes: what filter-as-you-type matches.
        SearchRole,
        /// The ProfileKind, as an int.
        KindRole,
    };

    explicit ProfileListModel(ProfileStore* store, QObject* parent = nullptr);

    /// Takes the store's current profiles.
    void reload();
    std::optional<ServerProfile> profileAt(int row) const;
    int rowOf(const QString& id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    /// A rename was refused (name taken, invalid, file read-only); the message says why.
    void renameFailed(const QString& message);
    void renamed(const QString& id);

private:
    ProfileStore* m_store;
    QList<ServerProfile> m_profiles;
};
