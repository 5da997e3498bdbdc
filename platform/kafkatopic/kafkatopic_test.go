package kafkatopic

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestEnsureAndPartitions(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "existing"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ListenAddrs()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	if _, err := Partitions(ctx, brokers, "fresh"); !errors.Is(err, ErrNoTopic) {
		t.Fatalf("Partitions of a missing topic: err = %v, want ErrNoTopic", err)
	}
	topics := []Topic{{Name: "fresh", Partitions: 4, ReplicationFactor: 1}, {Name: "existing", Partitions: 7, ReplicationFactor: 1}}
	for range 2 { // idempotent
		if err := Ensure(ctx, brokers, topics...); err != nil {
			t.Fatalf("Ensure: %v", err)
		}
	}
	for name, want := range map[string]int{"fresh": 4, "existing": 3} {
		n, err := Partitions(ctx, brokers, name)
		if err != nil || n != want {
			t.Fatalf("Partitions(%s) = %d, %v; want %d", name, n, err, want)
		}
	}
	if err := Ensure(ctx, brokers, Topic{Name: "bad"}); err == nil {
		t.Fatal("Ensure accepted a topic without partitions")
	}
}

func TestStatements(t *testing.T) {
	got := Statements("stmts", "stmts.dlq", 12, 3)
	if len(got) != 2 || got[0].Name != "stmts" || got[0].Partitions != 12 || got[0].ReplicationFactor != 3 ||
		got[1].Name != "stmts.dlq" || got[1].Partitions != 1 || got[1].ReplicationFactor != 3 {
		t.Fatalf("Statements = %+v", got)
	}
}
