package xapi

// actor validates an Agent or a Group (objectType absent means Agent). rule
// names the containing property's section for shape problems.
func (v *validator) actor(val any, p *path, rule string) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, rule, "must be an Agent or Group object")
		return
	}
	switch t, has := m["objectType"]; {
	case !has || t == "Agent":
		v.agent(m, p)
	case t == "Group":
		v.group(m, p)
	default:
		c := p.k("objectType")
		v.add(&c, rule, `objectType must be "Agent" or "Group"`)
	}
}

// agentOnly validates a value that must be an Agent (not a Group).
func (v *validator) agentOnly(val any, p *path, rule string) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, rule, "must be an Agent object")
		return
	}
	if t, has := m["objectType"]; has && t != "Agent" {
		c := p.k("objectType")
		v.add(&c, rule, `must be an Agent (objectType "Agent")`)
		return
	}
	v.agent(m, p)
}

// groupOnly validates a value that must be a Group.
func (v *validator) groupOnly(val any, p *path, rule string) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, rule, "must be a Group object")
		return
	}
	if m["objectType"] != "Group" {
		c := p.k("objectType")
		v.add(&c, rule, `must be a Group (objectType "Group")`)
		return
	}
	v.group(m, p)
}

func (v *validator) agent(m map[string]any, p *path) {
	ifis := 0
	for key, val := range v.properties(m, p) {
		c := p.k(key)
		if !v.actorProperty(key, val, &c, ruleAgent, &ifis) {
			v.additional(&c, key, "an Agent")
		}
	}
	if ifis != 1 {
		v.add(p, ruleAgent, "an Agent must have exactly one Inverse Functional Identifier (mbox, mbox_sha1sum, openid or account)")
	}
}

func (v *validator) group(m map[string]any, p *path) {
	ifis := 0
	for key, val := range v.properties(m, p) {
		c := p.k(key)
		switch {
		case key == "member":
			v.members(val, &c)
		case !v.actorProperty(key, val, &c, ruleGroup, &ifis):
			v.additional(&c, key, "a Group")
		}
	}
	switch {
	case ifis > 1:
		v.add(p, ruleGroup, "an Identified Group must have exactly one Inverse Functional Identifier")
	case ifis == 0:
		mem, ok := m["member"].([]any)
		if _, has := m["member"]; !has || ok && len(mem) == 0 {
			v.add(p, ruleGroup, "an Anonymous Group must list its members in \"member\"")
		}
	}
}

// actorProperty checks a property Agents and Groups share: objectType
// (checked by the caller), name, and the Inverse Functional Identifiers,
// which it counts in ifis. It returns false for any other property.
func (v *validator) actorProperty(key string, val any, p *path, rule string, ifis *int) bool {
	switch key {
	case "objectType":
	case "name":
		v.str(val, p, rule)
	case "mbox", "mbox_sha1sum", "openid", "account":
		*ifis++
		v.ifi(key, val, p)
	default:
		return false
	}
	return true
}

func (v *validator) members(val any, p *path) {
	arr, ok := val.([]any)
	if !ok {
		v.add(p, ruleGroup, "member must be an array of Agent objects")
		return
	}
	for i, e := range arr {
		c := p.i(i)
		v.agentOnly(e, &c, ruleGroup)
	}
}

// ifi validates one Inverse Functional Identifier property.
func (v *validator) ifi(key string, val any, p *path) {
	if key == "account" {
		v.account(val, p)
		return
	}
	s, ok := val.(string)
	switch key {
	case "mbox":
		if !ok || !isMbox(s) {
			v.add(p, ruleIFI, `mbox must be a "mailto:" IRI with an email address`)
		}
	case "mbox_sha1sum":
		if !ok || !isSHA1Hex(s) {
			v.add(p, ruleIFI, "mbox_sha1sum must be a hex-encoded SHA-1 (40 hex digits)")
		}
	case "openid":
		if !ok || !isIRI(s) {
			v.add(p, ruleIFI, "openid must be a URI")
		}
	}
}

func (v *validator) account(val any, p *path) {
	m, ok := val.(map[string]any)
	if !ok {
		v.add(p, ruleAccount, "account must be an object with homePage and name")
		return
	}
	for key, x := range v.properties(m, p) {
		c := p.k(key)
		switch key {
		case "homePage":
			v.iri(x, &c, ruleAccount)
		case "name":
			v.str(x, &c, ruleAccount)
		default:
			v.additional(&c, key, "an Account")
		}
	}
	v.required(m, p, ruleAccount, "homePage", "name")
}
