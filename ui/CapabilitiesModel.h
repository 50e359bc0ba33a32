#pragma once

#include "run/Run.h"

#include <QAbstractTableModel>

/**
 * Capabilities before and after TLS side by side, one row per keyword ("AUTH", "SIZE"), with
 * what changed. RFC 3207 s.4.2: what the server said before TLS is not to be trusted, so the
 * difference is worth seeing.
 */
class CapabilitiesModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        PlainColumn,
        TlsColumn,
        ChangeColumn,
        ColumnCount
    };
    enum class Change
    {
        Same,
        OnlyPlain,
        OnlyTls,
        Changed
    };
    enum Role
    {
        ChangeRole = Qt::UserRole + 1
    };

    explicit CapabilitiesModel(QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(CapabilitiesModel)

    void setRun(const Run* run);
    int differenceCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void onCapabilitiesChanged();

private:
    struct Row
    {
        QString name;
        std::optional<QString> plain; ///< the parameters, "" for a bare keyword
        std::optional<QString> tls;
        Change change = Change::Same;
    };

    const Run* m_run = nullptr;
    QList<Row> m_rows;
    bool m_tlsRead = false;
};
